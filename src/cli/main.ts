#!/usr/bin/env node
/**
 * The `cdc-streams` command. Exit codes:
 *   0  success
 *   1  failure (a broker did not start, a recorded broker is not running, ...)
 *   2  usage error (unknown command or option, bad option value); commander prints one line
 * Command groups live one per file in commands/; adding one means adding it to the list below.
 */
import { processIo } from './cli-io.js';
import { registerKafkaCommand } from './commands/kafka-command.js';
import { runCli, type CommandGroup } from './program.js';

const commandGroups: readonly CommandGroup[] = [registerKafkaCommand];

process.exitCode = await runCli(process.argv, processIo, commandGroups);
