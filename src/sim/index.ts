/**
 * The flash-sale binlog simulator and the ground-truth verifier (docs/design.md sections 1, 2, 2.1). No
 * Kafka here: the simulator yields the messages to write and the expected output; the verifier
 * compares events read back with that expectation. The CLI's `simulate` and `verify` sit on top.
 */
import { DtsWriter, emptyStats, resolveWriterOptions, writeDts, type DtsWriterOptions, type SimStats } from './dts-writer.js';
import type { ExpectedOrder } from './expected-event.js';
import { groundTruthOf } from './ground-truth.js';
import type { SimMessage } from './message-packer.js';
import { flashSaleBinlog } from './model/flash-sale-model.js';
import { resolveModelOptions, type FlashSaleModelOptions, type LifecycleMix } from './model/model-options.js';
import type { GroundTruthMeta } from './ground-truth-file.js';

export type SimulationOptions = Partial<Omit<FlashSaleModelOptions, 'fates'>> & {
  readonly fates?: Partial<LifecycleMix>;
} & Partial<Omit<DtsWriterOptions, 'seed'>>;

export interface ResolvedSimulationOptions {
  readonly model: FlashSaleModelOptions;
  readonly writer: DtsWriterOptions;
}

export interface FlashSaleSimulation {
  readonly options: ResolvedSimulationOptions;
  /**
   * The Kafka messages, in write order. Lazy; each iteration replays the same run from the seed, so
   * the bytes are identical every time. A partition number at or above the current count means the
   * topic must grow first (`partitionIncrease`).
   */
  readonly messages: Iterable<SimMessage>;
  /** Every committed order's expected events. Lazy and replayable too; orders come as they finish. */
  readonly groundTruth: Iterable<ExpectedOrder>;
  /** Counters of the current (or last) pass over `messages`, updated in place as it goes. */
  readonly stats: SimStats;
  /** For the ground-truth file's header. */
  readonly meta: GroundTruthMeta;
}

/** Validates the options (a {@link ConfigError} names the bad one) and sets up a replayable run. */
export function simulateFlashSale(options: SimulationOptions = {}): FlashSaleSimulation {
  const { partitions, strategy, maxMessageBytes, maxEntriesPerMessage, partitionIncrease, redelivery, fates, ...model } = options;
  const modelOptions = resolveModelOptions({ ...model, fates });
  const writerOptions = resolveWriterOptions(
    dropUndefined({ seed: modelOptions.seed, partitions, strategy, maxMessageBytes, maxEntriesPerMessage, partitionIncrease, redelivery }),
  );
  const stats = emptyStats(writerOptions.partitions);
  return {
    options: { model: modelOptions, writer: writerOptions },
    messages: {
      [Symbol.iterator]: () => writeDts(flashSaleBinlog(modelOptions), new DtsWriter(writerOptions, stats)),
    },
    groundTruth: {
      [Symbol.iterator]: () => groundTruthOf(flashSaleBinlog(modelOptions), modelOptions.paymentTimeoutSeconds),
    },
    stats,
    meta: {
      seed: modelOptions.seed,
      orders: modelOptions.orders,
      shards: modelOptions.shards,
      paymentTimeoutSeconds: modelOptions.paymentTimeoutSeconds,
      startTime: modelOptions.startTime,
    },
  };
}

function dropUndefined<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}

export { verify, OrderEventVerifier, PROBLEM_KINDS } from './verifier.js';
export { saleStatsOf, minuteStatsKey, SALE_STATS_WINDOW_MS } from './sale-stats-truth.js';
export type { SaleStatsTruth, SkuFigures, SkuMinuteStats, SkuTotals } from './sale-stats-truth.js';
export { SaleStatsVerifier, formatSaleStatsVerification, type SaleStatsSummary } from './sale-stats-verifier.js';
export type { VerificationSummary, OrderVerdict, OrderProblem, ProblemKind } from './verifier.js';
export { formatVerification } from './verification-report.js';
export type { OutputOrderEvent } from './output-event.js';
export { COMPARED_FIELDS } from './output-event.js';
export { ORDER_EVENT_TYPES, ORDER_EVENT_STATUSES, EVENT_TYPE_OF_STATUS } from './expected-event.js';
export type {
  ExpectedEvent,
  ExpectedOrder,
  OrderEventType,
  OrderEventStatus,
  OrderEventPayment,
  OrderEventSource,
} from './expected-event.js';
export { writeGroundTruth, readGroundTruth, GROUND_TRUTH_FORMAT } from './ground-truth-file.js';
export type { GroundTruth, GroundTruthMeta } from './ground-truth-file.js';
export type { SimMessage } from './message-packer.js';
export type { SimStats, DtsWriterOptions } from './dts-writer.js';
export { DEFAULT_WRITER_OPTIONS } from './dts-writer.js';
export { DEFAULT_MODEL_OPTIONS } from './model/model-options.js';
export type { FlashSaleModelOptions, LifecycleMix } from './model/model-options.js';
export { PARTITIONING_STRATEGIES } from './partitioner.js';
export type { PartitioningStrategy } from './partitioner.js';
export { GroundTruthFormatError, SimulatorInvariantError } from './sim-errors.js';
