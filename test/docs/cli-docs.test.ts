import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS } from '../../src/cli/command-groups.js';
import { buildProgram } from '../../src/cli/program.js';
import { parseDocExamples, shellWords } from '../../scripts/cli-doc-examples.js';
import { runCommands } from '../cli/run-commands.js';

/**
 * docs/cli.md and `--help` stay true without a broker: every example command in both parses with the
 * real program (its flags exist, its values are accepted), and the examples that need no broker are
 * run and their outputs compared with the docs. `npm run docs:check` runs all of them against a broker.
 */
const DOC_EXAMPLES = parseDocExamples(readFileSync('docs/cli.md', 'utf8'));
/** Commands that read only the topology file: run here, in-process. */
const NO_BROKER = new Set(['validate', 'describe']);

/** Lines without trailing blanks or trailing empty lines. */
function exact(lines: readonly string[]): string[] {
  const out = lines.map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Parses argv with every command's action replaced by nothing; returns the usage error, if any. */
function parseOnly(argv: readonly string[]): string | undefined {
  let err = '';
  const program = buildProgram(COMMAND_GROUPS, { io: { out: () => undefined, err: (text) => (err += text) }, setExitCode: () => undefined });
  const neutralize = (command: Command): void => {
    command.action(() => undefined);
    command.commands.forEach(neutralize);
  };
  program.commands.forEach(neutralize);
  try {
    program.parse(['node', 'cdc-streams', ...argv]);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return `${error.message} ${err}`;
    throw error;
  }
}

/** Every command path (`run`, `kafka start`, ...) with its full `--help` text. */
async function helpTexts(): Promise<Array<{ path: string[]; text: string }>> {
  const paths: string[][] = [[]];
  const program = buildProgram(COMMAND_GROUPS, { io: { out: () => undefined, err: () => undefined }, setExitCode: () => undefined });
  const walk = (command: Command, path: string[]): void => {
    for (const sub of command.commands) {
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return Promise.all(paths.map(async (path) => ({ path, text: (await runCommands(COMMAND_GROUPS, ...path, '--help')).out })));
}

/**
 * The `$ cdc-streams ...` lines of a help text as argv (env assignments, comments, pipes and
 * redirections left out), each with the output lines shown under it (up to a blank line or the next `$`).
 */
function helpExamples(text: string): Array<{ argv: string[]; output: string[] }> {
  const lines = text.replace(/\\\n\s*/g, ' ').split('\n');
  const examples: Array<{ argv: string[]; output: string[] }> = [];
  let current: { argv: string[]; output: string[] } | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('$ ')) {
      const command = line.slice(2).replace(/^([A-Z_]+=\S*\s+)+/, '');
      current = command.startsWith('cdc-streams ') ? { argv: shellWords(command.split(/\s{2,}|\s[|>]\s/)[0] ?? '').slice(1), output: [] } : undefined;
      if (current !== undefined) examples.push(current);
    } else if (line === '') {
      current = undefined;
    } else {
      current?.output.push(line);
    }
  }
  return examples;
}

describe('docs/cli.md', () => {
  it('has example sessions to check', () => {
    expect(DOC_EXAMPLES.length).toBeGreaterThan(10);
  });

  it.each(DOC_EXAMPLES.filter((e) => e.command.startsWith('cdc-streams ')).map((e) => [e.line + 1, e.command] as const))(
    'line %i: `%s` parses',
    (_line, command) => {
      expect(parseOnly(shellWords(command).slice(1))).toBeUndefined();
    },
  );

  it.each(DOC_EXAMPLES.filter((e) => NO_BROKER.has(shellWords(e.command)[1] ?? '')).map((e) => [e.line + 1, e.command, e] as const))(
    'line %i: `%s` prints what the docs show',
    async (_line, command, example) => {
      const ran = await runCommands(COMMAND_GROUPS, ...shellWords(command).slice(1));
      const stdout = ran.out.split('\n');
      if (stdout[stdout.length - 1] === '') stdout.pop();
      const shown = ran.code === 0 ? stdout : [...stdout, ...ran.err.split('\n').filter((l) => l !== ''), `[exit ${ran.code}]`];
      // These need no broker and print the same every time: compared line for line, numbers included.
      expect(exact(shown)).toEqual(exact(example.expected));
    },
  );
});

describe('README.md', () => {
  it('shows the describe output the command prints', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const marker = '<!-- output: describe topologies/sale-orders.ts --format mermaid -->';
    const block = /```mermaid\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(marker)));
    expect(readme).toContain(marker);
    const ran = await runCommands(COMMAND_GROUPS, 'describe', 'topologies/sale-orders.ts', '--format', 'mermaid');
    expect(block?.[1]).toBe(ran.out);
  });
});

describe('cdc-streams --help', () => {
  it('every example of every command parses', async () => {
    const failures: string[] = [];
    for (const { path, text } of await helpTexts()) {
      for (const { argv } of helpExamples(text)) {
        const problem = parseOnly(argv);
        if (problem !== undefined) failures.push(`${['cdc-streams', ...path].join(' ')} --help: \`cdc-streams ${argv.join(' ')}\`: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('shows output only under examples this test runs, and that output is what they print', async () => {
    for (const { path, text } of await helpTexts()) {
      for (const { argv, output } of helpExamples(text)) {
        if (output.length === 0) continue;
        expect(NO_BROKER.has(argv[0] ?? ''), `${path.join(' ')} --help shows the output of \`cdc-streams ${argv.join(' ')}\``).toBe(true);
        const ran = await runCommands(COMMAND_GROUPS, ...argv);
        expect(exact(ran.out.split('\n').map((l) => l.trim())), `cdc-streams ${argv.join(' ')}`).toEqual(exact(output));
      }
    }
  });

  it('shows no defaults that mean nothing to a reader: no {} and no paths of this machine', async () => {
    for (const { path, text } of await helpTexts()) {
      expect(text, path.join(' ')).not.toContain('(default: {})');
      expect(text, path.join(' ')).not.toContain(resolve('.'));
    }
  });

  it('lists the choices of options that take one of a few words', async () => {
    const run = ((await helpTexts()).find((h) => h.path.join(' ') === 'run')?.text ?? '').replace(/\s+/g, ' ');
    expect(run).toMatch(/--guarantee <guarantee> [^-]*\(choices: "at_least_once", "exactly_once"\)/);
    expect(run).toMatch(/--on-error <policy> [^$]*?\(choices: "fail", "dead-letter"\)/);
  });
});
