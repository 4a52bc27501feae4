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
  /**
   * The slow heartbeat: re-send the whole progress when nothing was announced for this many ms of wall
   * clock; 0: never. Default 60 000. (Progress is re-sent at once after every group rebalance anyway.)
   */
  readonly resendIntervalMs?: number | undefined;
  /** A store for the progress, so a restarted task announces it before it reads anything. */
  readonly storeName?: string | undefined;
  /** How often (wall clock) progress waiting for a fresher partition count is checked. Default 100. */
  readonly confirmCheckIntervalMs?: number | undefined;
}

/** Progress observed at the end of a batch, waiting for a partition count read after it. */
interface PendingProgress {
  /** The metadata read (InputPartitionsReading.countRead) that confirms it. */
  readonly confirmAt: number;
  readonly shards: readonly ShardProgress[];
}

/** Default of ProgressAnnouncerOptions.resendIntervalMs. */
export const DEFAULT_PROGRESS_HEARTBEAT_MS = 60_000;

/**
 * Announces what ONE input partition has passed, per shard (docs/design.md 3.3), for every CDC format:
 * folds progress in (monotonic), and at the end of each batch that moved it keeps it in the progress
 * store and forwards a watermark control record after the data it covers. Unchanged progress is
 * re-sent only when a downstream task may have restarted and lost it — after every group rebalance —
 * and on a slow heartbeat, so an idle application writes (almost) nothing (docs/cdc.md, "Idle control
 * traffic").
 *
 * Partition growth (docs/cdc.md, "Partition growth"): progress is announced only with an input
 * partition count read by a metadata read that began after the progress was observed, and with that
 * count. A producer writes a row to a new partition only after the topic grew, and progress past the
 * row only after the row, so no announcement can carry a watermark past a row on a partition the count
 * leaves out. On a busy partition the newest confirmed progress goes out while newer progress waits.
 */
export class ProgressAnnouncer {
  private readonly progress = new PartitionProgress();
  private context: ProcessorContext<unknown, unknown> | undefined;
  private store: KeyValueStore<string, StoredProgress> | undefined;
  private resend: Cancellable | undefined;
  private confirmCheck: Cancellable | undefined;
  private topic: string | undefined;
  /** The group rebalances seen: when the count moves, the progress is announced again. */
  private rebalancesSeen = 0;
  /** Something was announced since the last heartbeat tick (then the heartbeat has nothing to add). */
  private sentSinceHeartbeat = false;
  /** Set when progress moved since it was last observed: the timestamp to announce it with. */
  private pendingTimestamp: number | undefined;
  /** Oldest first; at most one per metadata read, since snapshots waiting for the same read merge. */
  private readonly pending: PendingProgress[] = [];
  /** What was last announced, with its confirmed partition count: what the resend repeats. */
  private announced: { readonly shards: readonly ShardProgress[]; readonly partitionCount: number } | undefined;
  sent = 0;

  constructor(private readonly options: ProgressAnnouncerOptions) {
    this.topic = options.inputTopic;
  }

  /** Progress snapshots waiting for a partition count read after them (a gauge for the metrics). */
  get awaitingPartitionCount(): number {
    return this.pending.length;
  }

  /** Binds the processor's context; restores the stored progress (await it before the first record). */
  init(context: ProcessorContext<unknown, unknown>): Promise<void> | undefined {
    this.context = context;
    this.rebalancesSeen = context.groupRebalances();
    const interval = this.options.resendIntervalMs ?? DEFAULT_PROGRESS_HEARTBEAT_MS;
    if (interval > 0) this.resend = context.schedule(interval, 'wall-clock', (now) => this.heartbeat(now));
    this.confirmCheck = context.schedule(this.options.confirmCheckIntervalMs ?? 100, 'wall-clock', (now) => {
      const rebalances = context.groupRebalances();
      if (rebalances === this.rebalancesSeen) {
        this.announceConfirmed(now);
        return;
      }
      // A task reading this one's announcements may have started afresh (another instance, or this one
      // restarted): it learns the progress again only from a new announcement.
      this.rebalancesSeen = rebalances;
      this.resendAnnounced(now);
    });
    if (this.options.storeName === undefined) return undefined;
    this.store = context.getStateStore<string, StoredProgress>(this.options.storeName);
    return this.restore(this.store);
  }

  private async restore(store: KeyValueStore<string, StoredProgress>): Promise<void> {
    for await (const { key, value } of store.all()) {
      this.progress.advance({ serverId: key, gtidSequence: BigInt(value.gtidSequence), timestamp: value.timestamp });
    }
    // Announced once a partition count read after this start confirms it.
    if (this.progress.size > 0) this.observe();
  }

  /** The topic the records come from, learnt from the first record when not configured. */
  observeTopic(topic: string): void {
    this.topic = topic;
  }

  /** Folds in progress; it goes out at the end of the batch (once confirmed), stamped with `timestamp`. */
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
   * message keeps the repartition topic mostly data. A batch that moved nothing still sends progress a
   * partition count read has confirmed since, rather than leave it for the next wall-clock check.
   */
  flush(): void {
    if (this.pendingTimestamp === undefined) {
      if (this.pending.length > 0 && this.context !== undefined) this.announceConfirmed(this.context.currentSystemTime());
      return;
    }
    const timestamp = this.pendingTimestamp;
    this.pendingTimestamp = undefined;
    if (this.store !== undefined) {
      for (const shard of this.progress.snapshot()) {
        this.store.put(shard.serverId, { gtidSequence: shard.gtidSequence.toString(), timestamp: shard.timestamp });
      }
    }
    this.observe();
    this.announceConfirmed(timestamp);
  }

  close(): void {
    this.resend?.cancel();
    this.confirmCheck?.cancel();
  }

  /** Notes the progress now, to be announced once a metadata read begun after this moment returns. */
  private observe(): void {
    const context = this.context;
    if (context === undefined) return;
    const confirmAt = context.inputPartitions().readsStarted + 1;
    const shards = this.progress.snapshot();
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && last.confirmAt === confirmAt) this.pending[this.pending.length - 1] = { confirmAt, shards };
    else this.pending.push({ confirmAt, shards });
  }

  /** Announces the newest pending progress that a partition count read has confirmed; false if none. */
  private announceConfirmed(timestamp: number): boolean {
    const context = this.context;
    if (context === undefined || this.pending.length === 0) return false;
    const reading = context.inputPartitions();
    let newest = -1;
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i]!.confirmAt <= reading.countRead) newest = i;
    if (newest < 0) return false;
    const { shards } = this.pending[newest]!;
    this.pending.splice(0, newest + 1);
    this.announced = { shards, partitionCount: Math.max(reading.count, context.partition + 1) };
    this.send(timestamp);
    return true;
  }

  /** The slow heartbeat: only when nothing went out since the last one. */
  private heartbeat(now: number): void {
    if (this.sentSinceHeartbeat) {
      this.sentSinceHeartbeat = false;
      return;
    }
    this.resendAnnounced(now);
    this.sentSinceHeartbeat = false;
  }

  /** What was last announced (or newer, if confirmed), again, so a restarted downstream catches up. */
  private resendAnnounced(now: number): void {
    if (!this.announceConfirmed(now)) this.send(now);
  }

  private send(timestamp: number): void {
    const context = this.context;
    const announced = this.announced;
    if (context === undefined || this.topic === undefined || announced === undefined || announced.shards.length === 0) return;
    this.sent++;
    this.sentSinceHeartbeat = true;
    context.forwardControl(
      watermarkControlRecord(
        {
          type: 'watermark',
          inputTopic: this.topic,
          inputPartition: context.partition,
          partitionCount: announced.partitionCount,
          shards: announced.shards,
        },
        timestamp,
      ),
    );
  }
}
