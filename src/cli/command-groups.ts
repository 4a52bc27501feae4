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
import type { CommandGroup } from './program.js';

/** Every command group of `cdc-streams`, in the order `--help` lists them; adding a command means adding it here. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
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
