import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_MODEL_OPTIONS, DEFAULT_WRITER_OPTIONS, PARTITIONING_STRATEGIES, type PartitioningStrategy, type SimulationOptions } from '../sim/index.js';
import { integerOption, parseFraction } from './option-parsers.js';

/** The simulator's flags as commander hands them over; absent ones keep the simulator's defaults. */
export interface SimulateFlags {
  readonly seed?: number;
  readonly orders?: number;
  readonly shards?: number;
  readonly skus?: number;
  readonly saleDuration?: number;
  readonly paymentTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly partitions?: number;
  readonly partitioning?: PartitioningStrategy;
  readonly maxMessageBytes?: number;
  readonly maxEntriesPerMessage?: number;
  readonly redeliveries?: number;
  readonly redeliveryMax?: number;
  readonly partitionIncrease?: { readonly to: number; readonly afterTransactions: number };
  readonly bigRemarkBytes?: number;
  readonly bigRemarkRate?: number;
}

/** `8@5000`: grow to 8 partitions after 5000 transactions. */
export function parsePartitionIncrease(value: string): { to: number; afterTransactions: number } {
  const m = /^(\d+)@(\d+)$/.exec(value.trim());
  if (m === null) throw new InvalidArgumentError(`'${value}' is not <partitions>@<afterTransactions>, e.g. 8@5000`);
  return { to: Number(m[1]), afterTransactions: Number(m[2]) };
}

export function addSimulationOptions(command: Command): Command {
  const m = DEFAULT_MODEL_OPTIONS;
  const w = DEFAULT_WRITER_OPTIONS;
  return command
    .option('--seed <n>', `PRNG seed; the same seed gives the same bytes (default ${m.seed})`, integerOption(0, 0xffffffff))
    .option('--orders <n>', `committed orders (default ${m.orders})`, integerOption(1))
    .option('--shards <n>', `MySQL shards, each with its own serverId and GTIDs (default ${m.shards})`, integerOption(1, 1000))
    .option('--skus <n>', `SKUs on sale (default ${m.skus})`, integerOption(1))
    .option('--sale-duration <seconds>', `event time over which orders are created (default ${m.saleDurationSeconds})`, integerOption(1))
    .option('--payment-timeout <seconds>', `unpaid orders expire after this (default ${m.paymentTimeoutSeconds}, at least 60)`, integerOption(60))
    .option('--heartbeat-interval <seconds>', `per-shard heartbeat period in event time, 0: only the final ones (default ${m.heartbeatIntervalSeconds})`, integerOption(0))
    .option('--partitions <n>', `topic partitions (default ${w.partitions})`, integerOption(1, 10_000))
    .addOption(
      new Option('--partitioning <strategy>', `how entries spread over partitions (default ${w.strategy})`).choices(PARTITIONING_STRATEGIES),
    )
    .option('--max-message-bytes <n>', `no message is bigger; bigger Entries are chunked (default ${w.maxMessageBytes})`, integerOption(1))
    .option('--max-entries-per-message <n>', `most DTS entries in one message (default ${w.maxEntriesPerMessage})`, integerOption(1))
    .option('--redeliveries <probability>', `chance that a partition's last messages are written again (default ${w.redelivery.probability}; 0: none)`, parseFraction)
    .option('--redelivery-max <messages>', `at most this many messages per redelivered stretch (default ${w.redelivery.maxMessages})`, integerOption(1))
    .option('--partition-increase <to@after>', 'grow the topic to <to> partitions after <after> transactions, e.g. 8@5000', parsePartitionIncrease)
    .option('--big-remark-bytes <n>', `size of the big JSON remark some orders carry (default ${m.bigRemarkBytes}, at most 64 MiB)`, integerOption(16, 64 * 1024 * 1024))
    .option('--big-remark-rate <fraction>', `share of orders with a big remark (default ${m.bigRemarkRate})`, parseFraction);
}

/** Maps the flags to the simulator's options (docs/simulator.md); the simulator validates the values. */
export function simulationOptionsFromFlags(flags: SimulateFlags): SimulationOptions {
  const o: { -readonly [K in keyof SimulationOptions]?: SimulationOptions[K] } = {};
  if (flags.seed !== undefined) o.seed = flags.seed;
  if (flags.orders !== undefined) o.orders = flags.orders;
  if (flags.shards !== undefined) o.shards = flags.shards;
  if (flags.skus !== undefined) o.skus = flags.skus;
  if (flags.saleDuration !== undefined) o.saleDurationSeconds = flags.saleDuration;
  if (flags.paymentTimeout !== undefined) o.paymentTimeoutSeconds = flags.paymentTimeout;
  if (flags.heartbeatInterval !== undefined) o.heartbeatIntervalSeconds = flags.heartbeatInterval;
  if (flags.partitions !== undefined) o.partitions = flags.partitions;
  if (flags.partitioning !== undefined) o.strategy = flags.partitioning;
  if (flags.maxMessageBytes !== undefined) o.maxMessageBytes = flags.maxMessageBytes;
  if (flags.maxEntriesPerMessage !== undefined) o.maxEntriesPerMessage = flags.maxEntriesPerMessage;
  if (flags.partitionIncrease !== undefined) o.partitionIncrease = flags.partitionIncrease;
  if (flags.bigRemarkBytes !== undefined) o.bigRemarkBytes = flags.bigRemarkBytes;
  if (flags.bigRemarkRate !== undefined) o.bigRemarkRate = flags.bigRemarkRate;
  if (flags.redeliveries !== undefined || flags.redeliveryMax !== undefined) {
    o.redelivery = {
      probability: flags.redeliveries ?? DEFAULT_WRITER_OPTIONS.redelivery.probability,
      maxMessages: flags.redeliveryMax ?? DEFAULT_WRITER_OPTIONS.redelivery.maxMessages,
    };
  }
  return o;
}
