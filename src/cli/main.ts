#!/usr/bin/env node
/**
 * The `cdc-streams` command. Exit codes:
 *   0  success
 *   1  failure (a broker did not start, a recorded broker is not running, ...)
 *   2  usage error (unknown command or option, bad option value); commander prints one line
 * Command groups live one per file in commands/; adding one means adding it to the list below.
 */
import { processIo } from './cli-io.js';
import { registerDashboardCommand } from './commands/dashboard-command.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerDescribeCommand } from './commands/describe-command.js';
import { registerInspectCommand } from './commands/inspect-command.js';
import { registerKafkaCommand } from './commands/kafka-command.js';
import { registerQueryCommand } from './commands/query-command.js';
import { registerResetCommand } from './commands/reset-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerSchemasCommand } from './commands/schemas-command.js';
import { registerSimulateCommand } from './commands/simulate-command.js';
import { registerValidateCommand } from './commands/validate-command.js';
import { registerVerifyCommand } from './commands/verify-command.js';
import { runCli, type CommandGroup } from './program.js';

const commandGroups: readonly CommandGroup[] = [
  registerRunCommand,
  registerDescribeCommand,
  registerValidateCommand,
  registerSimulateCommand,
  registerVerifyCommand,
  registerInspectCommand,
  registerResetCommand,
  registerDemoCommand,
  registerQueryCommand,
  registerSchemasCommand,
  registerKafkaCommand,
  registerDashboardCommand,
];

const code = await runCli(process.argv, processIo, commandGroups);
process.exitCode = code;
// The command has closed what it opened; should a handle still keep the event loop alive (a client
// library's reconnect timer, say), the process must still end, or an orchestrator never sees it die and
// never restarts it. Unreferenced: a process with nothing left exits at once and never waits for this.
const EXIT_GRACE_MS = 5000;
setTimeout(() => {
  processIo.err(`cdc-streams: exiting with code ${code} although resources are still open (${process.getActiveResourcesInfo().join(', ')})\n`);
  process.exit(code);
}, EXIT_GRACE_MS).unref();
