import type { Processor, ProcessorSupplier } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { ProcessorNote } from '../../processor/processor-notes.js';
import type { Cancellable } from '../../processor/punctuation.js';
import { withHeaders, type StreamRecord } from '../../processor/stream-record.js';
import { ConfigError } from '../../common/errors.js';
import { LATE_HEADER } from '../resequencer/late-flag.js';
import { Resequencer } from '../resequencer/resequencer.js';
import type { Resequenceable, ResequencerEntry, ResequencerOptions, ShardState } from '../resequencer/resequencer-types.js';
import { eventTimeWatermarkRecord } from '../watermarks/event-time-watermark.js';
import { readWatermarkControl } from '../watermarks/watermark-control.js';
import { ProcessorNotInitializedError } from '../cdc-errors.js';

export interface ResequencerProcessorOptions<V> extends ResequencerOptions<V> {
  /** Held events: keys are bytes (resequencer-keys.ts), values ResequencerEntry. Needs no changelog. */
  readonly storeName: string;
  /** Per-shard state: serverId → ShardState (shardStateSerde). Must be changelogged. */
  readonly shardsStoreName: string;
  /** Released identities (key bytes → event time); required for `emit-and-flag`. */
  readonly releasedStoreName?: string;
  /** Last released counter per record key; required with `fastPath`. */
  readonly countersStoreName?: string;
  /** How often the wall-clock bound is checked. Default maxHoldMs / 4 (at least 100 ms). */
  readonly stallCheckIntervalMs?: number;
}

/**
 * The resequencer as a processor (docs/design.md 3.3-3.4): change events in, the same records out in
 * per-shard source order, each exactly once; upstream watermark control records in (processControl),
 * an event-time watermark control record out after what it covers was released. Other control records
 * pass through. Late releases (emit-and-flag) carry LATE_HEADER = 'true'.
 *
 * It must run after a repartition (or on a single-partition input): its watermarks wait for control
 * records from EVERY input partition, which only a repartition topic brings to one task.
 *
 * The held store needs no changelog: the processor holds the task's committed input offset at the
 * oldest held event (`holdCommittableOffset`), so after a crash whatever was still held is read again
 * from the input, and what was released since is dropped by the shard state (changelogged).
 */
export class ResequencerProcessor<K, V extends Resequenceable> implements Processor<K, V, K, V> {
  private context: ProcessorContext<K, V> | undefined;
  private resequencer: Resequencer<K, V> | undefined;
  private stallCheck: Cancellable | undefined;
  /** The offset last handed to holdCommittableOffset. */
  private heldFrom: number | undefined;

  constructor(private readonly options: ResequencerProcessorOptions<V>) {
    validateResequencerOptions(options);
  }

  /** The state machine's counters and gauges, for the ops layer. */
  get metrics(): Resequencer<K, V>['metrics'] | undefined {
    return this.resequencer?.metrics;
  }

  /** The metrics as flat numbers for the ops layer; watermark lag per shard as `watermarkLagMs:<serverId>`. */
  reportMetrics(): Readonly<Record<string, number>> {
    const m = this.resequencer?.metrics;
    if (m === undefined) return {};
    const flat: Record<string, number> = {
      eventsHeld: m.eventsHeld,
      eventsReleased: m.eventsReleased,
      eventsReleasedLate: m.eventsReleasedLate,
      fastPathReleased: m.fastPathReleased,
      duplicatesDropped: m.duplicatesDropped,
      stalls: m.stalls,
      stalledShards: m.stalledShards,
    };
    for (const [shard, lag] of m.watermarkLag) {
      flat[`watermarkLagMs:${shard}`] = lag.timeMs;
      flat[`watermarkLagGtid:${shard}`] = Number(lag.gtidSequence);
    }
    for (const shard of this.resequencer?.shardSummaries() ?? []) {
      flat[`held:${shard.serverId}`] = shard.held;
      flat[`oldestHeldMs:${shard.serverId}`] = shard.oldestHeldMs ?? 0;
      if (shard.watermark !== undefined) {
        flat[`watermarkGtid:${shard.serverId}`] = Number(shard.watermark.gtidSequence);
        flat[`watermarkTime:${shard.serverId}`] = shard.watermark.timestamp;
      }
    }
    return flat;
  }

  /** Why events were flagged late and why shards stalled, the last few. */
  recentNotes(): readonly ProcessorNote[] {
    return this.resequencer?.notes.list() ?? [];
  }

  async init(context: ProcessorContext<K, V>): Promise<void> {
    this.context = context;
    const { options } = this;
    const stores = {
      held: context.getStateStore<Buffer, ResequencerEntry<K, V>>(options.storeName),
      shards: context.getStateStore<string, ShardState>(options.shardsStoreName),
      released: options.releasedStoreName === undefined ? undefined : context.getStateStore<Buffer, number>(options.releasedStoreName),
      counters: options.countersStoreName === undefined ? undefined : context.getStateStore<K, string>(options.countersStoreName),
    };
    this.resequencer = new Resequencer<K, V>(
      stores,
      options,
      (record, late) => context.forward(late ? markLate(record) : record),
      () => context.currentSystemTime(),
    );
    await this.resequencer.init();
    this.holdCommit();
    if (options.maxHoldMs !== undefined) {
      const interval = options.stallCheckIntervalMs ?? Math.max(100, Math.floor(options.maxHoldMs / 4));
      this.stallCheck = context.schedule(interval, 'wall-clock', async (now) => {
        await this.requireResequencer().checkStalls(now);
        this.holdCommit();
      });
    }
  }

  prefetch(records: ReadonlyArray<StreamRecord<K, V>>): Promise<void> {
    return this.requireResequencer().prefetch(records);
  }

  async process(record: StreamRecord<K, V>): Promise<void> {
    const offset = this.requireContext().recordMetadata()?.offset;
    await this.requireResequencer().accept(record, offset === undefined ? undefined : Number(offset));
    this.holdCommit();
  }

  async processControl(record: StreamRecord<unknown, unknown>): Promise<void> {
    const context = this.requireContext();
    const control = readWatermarkControl(record);
    if (control === undefined) {
      context.forwardControl(record);
      return;
    }
    this.requireResequencer().foldControl(control);
  }

  /** Once per batch: the release scans for every watermark the batch's control records moved. */
  async onBatchEnd(): Promise<void> {
    const watermark = await this.requireResequencer().releaseDue();
    this.holdCommit();
    if (watermark !== undefined) this.requireContext().forwardControl(eventTimeWatermarkRecord(watermark));
  }

  close(): void {
    this.stallCheck?.cancel();
  }

  /** Keeps the task's commit at or before the oldest held event, which a crash would otherwise lose. */
  private holdCommit(): void {
    const from = this.requireResequencer().heldFromOffset();
    if (from === this.heldFrom) return;
    this.heldFrom = from;
    this.requireContext().holdCommittableOffset(from === undefined ? undefined : String(from));
  }

  private requireContext(): ProcessorContext<K, V> {
    if (this.context === undefined) throw new ProcessorNotInitializedError('resequencer');
    return this.context;
  }

  private requireResequencer(): Resequencer<K, V> {
    if (this.resequencer === undefined) throw new ProcessorNotInitializedError('resequencer');
    return this.resequencer;
  }
}

function markLate<K, V>(record: StreamRecord<K, V>): StreamRecord<K, V> {
  return withHeaders(record, { ...record.headers, [LATE_HEADER]: 'true' });
}

/** Throws ConfigError for options that cannot work; called when the topology is built. */
export function validateResequencerOptions<V>(options: ResequencerProcessorOptions<V>): void {
  if ((options.policy ?? 'wait') === 'emit-and-flag' && options.releasedStoreName === undefined) {
    throw new ConfigError(`resequencer '${options.storeName}': policy 'emit-and-flag' needs releasedStoreName`);
  }
  if (options.fastPath !== undefined && options.countersStoreName === undefined) {
    throw new ConfigError(`resequencer '${options.storeName}': fastPath needs countersStoreName`);
  }
  if (options.maxHoldMs !== undefined && !(options.maxHoldMs > 0)) {
    throw new ConfigError(`resequencer '${options.storeName}': maxHoldMs must be positive, got ${options.maxHoldMs}`);
  }
}

export function resequencerProcessor<K, V extends Resequenceable>(options: ResequencerProcessorOptions<V>): ProcessorSupplier<K, V, K, V> {
  validateResequencerOptions(options);
  return () => new ResequencerProcessor<K, V>(options);
}
