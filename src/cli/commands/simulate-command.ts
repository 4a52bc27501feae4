import type { Command } from 'commander';
import { ConfigError, type KafkaConnection } from '../../index.js';
import { simulateFlashSale, writeGroundTruth, type ExpectedOrder, type FlashSaleSimulation } from '../../sim/index.js';
import { deleteTopics, ensureTopics, KafkaToolError, topicOffsets, topicPartitionCounts, writeMessages } from '../../kafka-tools/index.js';
import { CliUsageError } from '../cli-errors.js';
import { readCliConfig } from '../cli-config.js';
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from '../connection-options.js';
import { integerOption } from '../option-parsers.js';
import type { CommandContext } from '../program.js';
import { startProgress } from '../progress.js';
import { addSimulationOptions, simulationOptionsFromFlags, type SimulateFlags } from '../simulate-options.js';

const EXAMPLES = `
Examples:
  $ cdc-streams simulate --orders 20000 --shards 4 --partitions 6 --seed 42
  $ cdc-streams simulate --topic dts.sale --partitioning transaction --redeliveries 0.01 --ground-truth truth.jsonl
  $ cdc-streams simulate --partitions 4 --partition-increase 8@5000 --recreate

Writes a DTS binlog subscription stream of a flash sale to the topic (created if missing) and the
output the sale-orders topology must produce to the ground-truth file, for \`cdc-streams verify\`.

Exit codes: 0 written, 1 Kafka or file failure (or the topic already holds data), 2 usage error.`;

/** Kafka refuses record batches above the topic's max.message.bytes; the broker's default is 1 MiB. */
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

interface Flags extends ConnectionFlags, SimulateFlags {
  readonly topic: string;
  readonly groundTruth: string;
  readonly recreate?: boolean;
  readonly batchSize: number;
}

/** `cdc-streams simulate`: the flash-sale simulator writing to Kafka, plus the ground-truth file. */
export function registerSimulateCommand(program: Command, { io }: CommandContext): void {
  const command = program
    .command('simulate')
    .description('write a simulated flash-sale DTS binlog stream to a topic and its ground truth to a file')
    .option('--topic <name>', 'input topic to write', 'dts.sale')
    .option('--ground-truth <file>', 'where to write the expected output (JSON lines)', 'ground-truth.jsonl')
    .option('--recreate', 'delete the topic first if it exists (otherwise an existing topic must be empty)')
    .option('--batch-size <n>', 'messages per producer batch', integerOption(1, 100_000), 5000);
  addSimulationOptions(command);
  addConnectionOptions(command)
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Flags) => {
      const sim = simulation(flags);
      const connection = connectionFromFlags(flags, process.env, readCliConfig(flags));
      const { writer } = sim.options;
      const log = (line: string): void => io.err(`${line}\n`);

      log(`planning: seed ${sim.options.model.seed}, ${sim.options.model.orders} orders, ${sim.options.model.shards} shards, ${writer.partitions} partitions (${writer.strategy})`);
      // A first pass only counts, so the progress bar has a true total; the messages are replayed from the seed.
      let total = 0;
      for (const _ of sim.messages) total += 1;

      await prepareTopic(connection, flags.topic, writer.partitions, writer.maxMessageBytes, flags.recreate === true, log);
      const bar = startProgress(io, { label: `writing ${flags.topic}`, total, unit: 'messages' });
      const written = await writeMessages(connection, flags.topic, sim.messages, {
        batchSize: flags.batchSize,
        ...(writer.partitionIncrease === undefined ? {} : { growTo: writer.partitionIncrease.to }),
        onProgress: (p) => bar.update(p.messages, `${(p.bytes / 1048576).toFixed(1)} MiB, ${p.partitions} partitions`),
      });
      bar.stop();

      const truthBar = startProgress(io, { label: `writing ${flags.groundTruth}`, total: sim.options.model.orders, unit: 'orders' });
      let events = 0;
      const orders = await writeGroundTruth(flags.groundTruth, counting(sim.groundTruth, (order, n) => {
        events += order.events.length;
        truthBar.update(n);
      }), sim.meta);
      truthBar.stop();

      io.out(formatSimulationSummary(sim, flags.topic, written.partitions, written.initialPartitions, flags.groundTruth, orders, events));
    });
}

function simulation(flags: Flags): FlashSaleSimulation {
  try {
    return simulateFlashSale(simulationOptionsFromFlags(flags));
  } catch (error) {
    // The simulator names the option; the user typed a flag.
    if (error instanceof ConfigError) throw new CliUsageError(`bad simulation flags: ${error.message}`, error);
    throw error;
  }
}

export async function prepareTopic(
  connection: KafkaConnection,
  topic: string,
  partitions: number,
  maxMessageBytes: number,
  recreate: boolean,
  log: (line: string) => void,
): Promise<void> {
  const existing = (await topicPartitionCounts(connection, [topic])).get(topic);
  if (existing !== undefined && recreate) {
    await deleteTopics(connection, [topic]);
    log(`deleted ${topic}`);
  } else if (existing !== undefined) {
    const held = (await topicOffsets(connection, topic)).reduce((sum, o) => sum + (o.high - o.low), 0n);
    if (held > 0n) {
      throw new KafkaToolError(`topic '${topic}' already holds ${held} records; pass --recreate to start it over, or choose another --topic`);
    }
    if (existing > partitions) {
      throw new KafkaToolError(
        `topic '${topic}' has ${existing} partitions but the simulation writes ${partitions}; pass --partitions ${existing} or --recreate`,
      );
    }
  }
  // The simulated binlog's event times lie in the past: time-based retention would delete it at once.
  const config: Record<string, string> = { 'retention.ms': '-1' };
  if (maxMessageBytes + 1024 > BROKER_DEFAULT_MAX_MESSAGE_BYTES) config['max.message.bytes'] = String(maxMessageBytes + 1024);
  const [ensured] = await ensureTopics(connection, [{ topic, partitions, config }], { grow: true });
  if (ensured !== undefined && ensured.action !== 'existing') log(`${ensured.action} ${topic} with ${ensured.partitions} partitions`);
}

function* counting(orders: Iterable<ExpectedOrder>, seen: (order: ExpectedOrder, n: number) => void): Generator<ExpectedOrder> {
  let n = 0;
  for (const order of orders) {
    n += 1;
    seen(order, n);
    yield order;
  }
}

export function formatSimulationSummary(
  sim: FlashSaleSimulation,
  topic: string,
  partitions: number,
  initialPartitions: number,
  groundTruthFile: string,
  orders: number,
  events: number,
): string {
  const s = sim.stats;
  const growth = partitions === initialPartitions ? `${partitions}` : `${initialPartitions} -> ${partitions}`;
  return [
    `topic:         ${topic} (partitions ${growth})`,
    `messages:      ${s.messages} (${s.pieces} pieces in ${s.chunkedGroups} chunked groups, ${s.heartbeats} heartbeat entries)`,
    `transactions:  ${s.transactions} (${s.committed} committed, ${s.rolledBack} rolled back; ${s.rows} rows, ${s.entries} entries)`,
    `redelivered:   ${s.redeliveredMessages} messages in ${s.redeliveredStretches} stretches`,
    `ground truth:  ${groundTruthFile} (${orders} orders, ${events} events)`,
    '',
  ].join('\n');
}

