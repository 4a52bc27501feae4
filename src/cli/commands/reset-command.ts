import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { deleteConsumerGroup, deleteTopics, resetConsumerGroupOffsets } from '../../kafka-tools/index.js';
import { topologyTopics } from '../../runtime/topology-topics.js';
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from '../connection-options.js';
import { readCliConfig } from '../cli-config.js';
import { formatTopologyProblems, loadTopology } from '../load-topology.js';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import { addTopologyOptions, topologySettingsFromFlags, type TopologyFlags } from '../topology-options.js';

const EXAMPLES = `
Examples:
  $ cdc-streams reset topologies/sale-orders.ts --brokers localhost:9092
  $ cdc-streams reset topologies/sale-orders.ts --yes --state-dir /var/lib/sale-orders

Stop every instance first: Kafka refuses to reset the offsets of a group that has members.
Exit codes: 0 reset (or nothing to do), 1 failure or declined, 2 usage error.`;

interface ResetFlags extends ConnectionFlags, TopologyFlags {
  readonly applicationId?: string;
  readonly stateDir?: string;
  readonly yes?: boolean;
}

/**
 * `cdc-streams reset <topology>`, like Kafka Streams' application reset tool: input offsets back to the
 * start, internal topics (repartition, changelog, dead letters) and the local state deleted, so the next
 * `run` reprocesses everything from scratch. Output topics are left alone.
 */
export function registerResetCommand(program: Command, { io, setExitCode }: CommandContext): void {
  addTopologyOptions(
    addConnectionOptions(
      program
        .command('reset')
        .description("rewind an application's input, delete its internal topics and local state (asks first unless --yes)")
        .argument('<topology>', 'the topology file the application runs')
        .option('--application-id <id>', "the application id if run with --application-id (default: the topology's)")
        .option('--state-dir <dir>', 'its state directory (default ./.state/<applicationId>)')
        .option('--yes', 'do not ask for confirmation'),
    ),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: ResetFlags) => {
      const config = readCliConfig(flags);
      const connection = connectionFromFlags(flags, process.env, config);
      const loaded = await loadTopology(file, topologySettingsFromFlags(flags, process.env, config));
      if (!loaded.ok) {
        io.err(`${formatTopologyProblems(file, loaded.problems)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const applicationId = flags.applicationId ?? config.applicationId ?? loaded.definition.applicationId;
      const stateDir = flags.stateDir ?? config.stateDir ?? join('.state', applicationId);
      const { inputs, internal } = topologyTopics(loaded.topology, applicationId);
      io.out(
        [
          `reset of application '${applicationId}':`,
          `  rewind group '${applicationId}' to the start of: ${inputs.join(', ')}`,
          `  delete topics: ${internal.join(', ')}`,
          `  delete local state: ${stateDir}`,
          '',
        ].join('\n'),
      );
      if (flags.yes !== true && !(await confirm())) {
        io.err('reset declined: nothing was changed (pass --yes to skip the question)\n');
        setExitCode(EXIT_FAILURE);
        return;
      }
      for (const topic of inputs) await resetConsumerGroupOffsets(connection, applicationId, topic, 'earliest');
      const deleted = await deleteTopics(connection, internal);
      await deleteConsumerGroup(connection, `${applicationId}`).catch((error: unknown) => {
        // The group keeps the rewound offsets if it cannot be deleted; that is what a reset wants anyway.
        io.err(`note: group '${applicationId}' kept: ${error instanceof Error ? error.message : String(error)}\n`);
      });
      await rm(stateDir, { recursive: true, force: true });
      io.out(`done: ${deleted.length} internal topic(s) deleted, offsets rewound, ${stateDir} removed\n`);
    });
}

async function confirm(): Promise<boolean> {
  if (process.stdin.isTTY !== true) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Proceed? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
