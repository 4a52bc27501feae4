import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS } from '../../src/cli/command-groups.js';
import { buildProgram } from '../../src/cli/program.js';
import { outputShape, parseDocExamples, shellWords } from '../../scripts/cli-doc-examples.js';
import { runCommands } from '../cli/run-commands.js';

/**
 * docs/cli.md and `--help` stay true without a broker: every example command in both parses with the
 * real program (its flags exist, its values are accepted), and the examples that need no broker are
 * run and their outputs compared with the docs. `npm run docs:check` runs all of them against a broker.
 */
const DOC_EXAMPLES = parseDocExamples(readFileSync('docs/cli.md', 'utf8'));
/** Commands that read only the topology file: run here, in-process. */
const NO_BROKER = new Set(['validate', 'describe']);

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

/** The `$ cdc-streams ...` lines of a help text as argv: env assignments, comments, pipes and redirections left out. */
function helpExamples(text: string): string[][] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('$ '))
    .map((line) => line.slice(2).replace(/^([A-Z_]+=\S*\s+)+/, ''))
    .filter((line) => line.startsWith('cdc-streams '))
    .map((line) => shellWords(line.split(/\s{2,}|\s[|>]\s/)[0] ?? '').slice(1));
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
      expect(outputShape(shown)).toEqual(outputShape(example.expected));
    },
  );
});

describe('cdc-streams --help', () => {
  it('every example of every command parses', async () => {
    const failures: string[] = [];
    for (const { path, text } of await helpTexts()) {
      for (const argv of helpExamples(text)) {
        const problem = parseOnly(argv);
        if (problem !== undefined) failures.push(`${['cdc-streams', ...path].join(' ')} --help: \`cdc-streams ${argv.join(' ')}\`: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
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
