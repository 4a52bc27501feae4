import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Cancellable } from '../../processor/punctuation.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { PartitionProgress } from './partition-progress.js';
import type { ShardProgress } from './shard-progress.js';
import { watermarkControlRecord } from './watermark-control.js';

/** One shard's progress as the progress store keeps it (GTID sequence as a decimal string). */
export interface StoredProgress {
  readonly gtidSequence: string;
  readonly timestamp: number;
}

export interface ProgressAnnouncerOptions {
  /** The topic whose partition this is: named in every control record. */
  readonly inputTopic: string | undefined;
  /** Re-send the whole progress every this many ms of wall clock even when unchanged; 0: never. Default 5000. */
  readonly resendIntervalMs?: number | undefined;
  /** A store for the progress, so a restarted task announces it before it reads anything. */
  readonly storeName?: string | undefined;
}

/**
 * Announces what ONE input partition has passed, per shard (DESIGN.md 3.3), for every CDC format:
 * folds progress in (monotonic), and at the end of each batch that moved it keeps it in the progress
 * store and forwards a watermark control record after the data it covers; re-sends it on a wall-clock
 * schedule so a restarted downstream catches up.
 */
export class ProgressAnnouncer {
  private readonly progress = new PartitionProgress();
  private context: ProcessorContext<unknown, unknown> | undefined;
  private store: KeyValueStore<string, StoredProgress> | undefined;
  private resend: Cancellable | undefined;
  private topic: string | undefined;
  /** Set when progress moved since it was last sent: the timestamp to send it with. */
  private pendingTimestamp: number | undefined;
  sent = 0;

  constructor(private readonly options: ProgressAnnouncerOptions) {
    this.topic = options.inputTopic;
  }

  /** Binds the processor's context; restores the stored progress (await it before the first record). */
  init(context: ProcessorContext<unknown, unknown>): Promise<void> | undefined {
    this.context = context;
    const interval = this.options.resendIntervalMs ?? 5000;
    if (interval > 0) this.resend = context.schedule(interval, 'wall-clock', (now) => this.send(now));
    if (this.options.storeName === undefined) return undefined;
    this.store = context.getStateStore<string, StoredProgress>(this.options.storeName);
    return this.restore(this.store);
  }

  private async restore(store: KeyValueStore<string, StoredProgress>): Promise<void> {
    for await (const { key, value } of store.all()) {
      this.progress.advance({ serverId: key, gtidSequence: BigInt(value.gtidSequence), timestamp: value.timestamp });
    }
  }

  /** The topic the records come from, learnt from the first record when not configured. */
  observeTopic(topic: string): void {
    this.topic = topic;
  }

  /** Folds in progress; it goes out at the end of the batch, stamped with `timestamp`. */
  advance(shards: readonly ShardProgress[], timestamp: number): void {
    let moved = false;
    for (const shard of shards) if (this.progress.advance(shard)) moved = true;
    if (moved) this.pendingTimestamp = timestamp;
  }

  get(serverId: string): ShardProgress | undefined {
    return this.progress.get(serverId);
  }

  /**
   * Once per batch, after the batch's data: one control record per fetched batch instead of one per
   * message keeps the repartition topic mostly data.
   */
  flush(): void {
    if (this.pendingTimestamp === undefined) return;
    const timestamp = this.pendingTimestamp;
    this.pendingTimestamp = undefined;
    if (this.store !== undefined) {
      for (const shard of this.progress.snapshot()) {
        this.store.put(shard.serverId, { gtidSequence: shard.gtidSequence.toString(), timestamp: shard.timestamp });
      }
    }
    this.send(timestamp);
  }

  close(): void {
    this.resend?.cancel();
  }

  private send(timestamp: number): void {
    const context = this.context;
    if (context === undefined || this.topic === undefined || this.progress.size === 0) return;
    this.sent++;
    context.forwardControl(
      watermarkControlRecord(
        {
          type: 'watermark',
          inputTopic: this.topic,
          inputPartition: context.partition,
          partitionCount: Math.max(context.inputPartitionCount(), context.partition + 1),
          shards: this.progress.snapshot(),
        },
        timestamp,
      ),
    );
  }
}
