#!/usr/bin/env node
/**
 * The `cdc-streams` command. Exit codes:
 *   0  success
 *   1  failure (a broker did not start, a recorded broker is not running, ...)
 *   2  usage error (unknown command or option, bad option value); commander prints one line
 * Command groups live one per file in commands/; adding one means adding it to the list below.
 */
import { processIo } from './cli-io.js';
import { registerDescribeCommand } from './commands/describe-command.js';
import { registerInspectCommand } from './commands/inspect-command.js';
import { registerKafkaCommand } from './commands/kafka-command.js';
import { registerSimulateCommand } from './commands/simulate-command.js';
import { registerValidateCommand } from './commands/validate-command.js';
import { registerVerifyCommand } from './commands/verify-command.js';
import { runCli, type CommandGroup } from './program.js';

const commandGroups: readonly CommandGroup[] = [
  registerDescribeCommand,
  registerValidateCommand,
  registerSimulateCommand,
  registerVerifyCommand,
  registerInspectCommand,
  registerKafkaCommand,
];

process.exitCode = await runCli(process.argv, processIo, commandGroups);
