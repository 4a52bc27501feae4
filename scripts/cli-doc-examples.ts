/**
 * The example sessions of docs/cli.md: fenced `console` blocks of `$ command` lines, each followed by
 * the output it prints (stdout; stderr too, and an `[exit N]` line, when it fails). A command ending
 * in ` &` runs in the background; `$ kill %N` stops the N-th of them. `npm run docs:check` runs them
 * (scripts/docs-check.ts); test/docs/cli-docs.test.ts checks the ones that need no broker.
 */

export interface DocExample {
  /** 0-based line of the `$` line in the file. */
  readonly line: number;
  /** The command as written, continuation lines joined, without `$ ` and ` &`. */
  readonly command: string;
  readonly background: boolean;
  readonly expected: readonly string[];
  /** 0-based lines [from, to) the expected output occupies in the file. */
  readonly outputLines: readonly [number, number];
}

export function parseDocExamples(markdown: string): DocExample[] {
  const lines = markdown.split('\n');
  const examples: DocExample[] = [];
  let inBlock = false;
  let current: { line: number; command: string; background: boolean; from: number; expected: string[] } | undefined;
  const finish = (end: number): void => {
    if (current === undefined) return;
    examples.push({ line: current.line, command: current.command, background: current.background, expected: current.expected, outputLines: [current.from, end] });
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!inBlock) {
      if (line.trim() === '```console') inBlock = true;
      continue;
    }
    if (line.trim() === '```') {
      finish(i);
      inBlock = false;
      continue;
    }
    if (line.startsWith('$ ')) {
      finish(i);
      let command = line.slice(2);
      const start = i;
      while (command.endsWith('\\') && i + 1 < lines.length) {
        i += 1;
        command = `${command.slice(0, -1)} ${(lines[i] ?? '').trim()}`;
      }
      command = command.trim();
      const background = command.endsWith(' &');
      current = { line: start, command: background ? command.slice(0, -2).trim() : command, background, from: i + 1, expected: [] };
      continue;
    }
    current?.expected.push(line);
  }
  return examples;
}

/** Splits a command line into words, as a shell would for the simple quoting the docs use. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = pattern.exec(command); m !== null; m = pattern.exec(command)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

/**
 * What must stay the same between the docs and a run: every line, with numbers, times and lengths of
 * space left free (counts, offsets, durations and ids change from run to run; the words and the
 * layout must not).
 */
export function outputShape(lines: readonly string[]): string[] {
  const shaped = lines.map((line) =>
    line
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\d+(\.\d+)?/g, 'N')
      .replace(/ +/g, ' ')
      .trimEnd(),
  );
  while (shaped.length > 0 && shaped[shaped.length - 1] === '') shaped.pop();
  return shaped;
}

/** The file with each example's output replaced by what a run printed. */
export function withOutputs(markdown: string, outputs: ReadonlyMap<DocExample, readonly string[]>): string {
  const lines = markdown.split('\n');
  const sorted = [...outputs].sort(([a], [b]) => b.line - a.line);
  for (const [example, output] of sorted) lines.splice(example.outputLines[0], example.outputLines[1] - example.outputLines[0], ...output);
  return lines.join('\n');
}
