import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-errors.js';
import { packagePath } from './package-paths.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The version in the package's package.json. */
function packageVersion(): string {
  const raw: unknown = JSON.parse(readFileSync(packagePath('package.json'), 'utf8'));
  return z.object({ version: z.string() }).parse(raw).version;
}

const EXAMPLES = `
Examples:
  $ cdc-streams validate topologies/sale-orders.ts
  $ cdc-streams simulate --orders 20000 --shards 4 --partitions 6
  $ cdc-streams verify --ground-truth ground-truth.jsonl
  $ cdc-streams inspect dts.sale --limit 5
  $ cdc-streams kafka start            start a local Kafka broker in the background
  $ cdc-streams kafka start --port 9092
  $ cdc-streams kafka status           is it running and answering?
  $ cdc-streams kafka stop

Exit codes: 0 ok, 1 failure, 2 usage error.`;

/** What a command group gets: where to print, and a way to fail without throwing (e.g. `status` of a stopped broker). */
export interface CommandContext {
  readonly io: CliIo;
  setExitCode(code: number): void;
}

/** One file under commands/ per group; main.ts lists them. */
export type CommandGroup = (program: Command, context: CommandContext) => void;

export function buildProgram(groups: readonly CommandGroup[], context: CommandContext): Command {
  const { io } = context;
  const program = new Command()
    .name('cdc-streams')
    .description('A Kafka Streams-style stream processor for change-data-capture streams.')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', EXAMPLES);
  for (const register of groups) register(program, context);
  // Every subcommand inherits these, so usage errors anywhere throw instead of exiting mid-flight.
  const applyToTree = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
    command.commands.forEach(applyToTree);
  };
  applyToTree(program);
  return program;
}

/** Runs the CLI and returns the process exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo, groups: readonly CommandGroup[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(groups, {
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help text).
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`cdc-streams: ${message}\n`);
    return error instanceof CliUsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}
