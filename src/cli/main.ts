#!/usr/bin/env node
/**
 * The `cdc-streams` command. Exit codes:
 *   0  success
 *   1  failure (a broker did not start, a recorded broker is not running, ...)
 *   2  usage error (unknown command or option, bad option value); commander prints one line
 * Command groups live one per file in commands/; command-groups.ts lists them.
 */
import { processIo } from './cli-io.js';
import { COMMAND_GROUPS } from './command-groups.js';
import { runCli } from './program.js';

const code = await runCli(process.argv, processIo, COMMAND_GROUPS);
process.exitCode = code;
// The command has closed what it opened; should a handle still keep the event loop alive (a client
// library's reconnect timer, say), the process must still end, or an orchestrator never sees it die and
// never restarts it. Unreferenced: a process with nothing left exits at once and never waits for this.
const EXIT_GRACE_MS = 5000;
setTimeout(() => {
  processIo.err(`cdc-streams: exiting with code ${code} although resources are still open (${process.getActiveResourcesInfo().join(', ')})\n`);
  process.exit(code);
}, EXIT_GRACE_MS).unref();
