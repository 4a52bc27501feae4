import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli, type CommandGroup } from '../../src/cli/program.js';

/** Runs the CLI in-process with the given command groups and returns what it printed. */
export async function runCommands(groups: readonly CommandGroup[], ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => (out += text), err: (text) => (err += text) };
  const code = await runCli(['node', 'cdc-streams', ...args], io, groups);
  return { code, out, err };
}
