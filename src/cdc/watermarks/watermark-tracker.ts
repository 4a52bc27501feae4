import type { ShardProgress } from './shard-progress.js';

/** The watermark of one shard: every input partition has passed this GTID sequence and this time. */
export interface ShardWatermark {
  readonly gtidSequence: bigint;
  /** Epoch ms: the minimum over partitions of the shard time each has passed. */
  readonly timestamp: number;
}

interface ShardColumns {
  /** Indexed by input partition; a hole means "nothing passed yet". */
  readonly gtidSequences: Array<bigint | undefined>;
  readonly timestamps: Array<number | undefined>;
}

/**
 * The watermarks of ONE input topic (docs/design.md 3.3): per shard, per input partition, the highest GTID
 * sequence (and shard time) that partition has passed, and per shard the minimum over ALL partitions
 * 0..N-1. A partition that has shown nothing for a shard holds that shard's watermark at "nothing
 * passed". N can grow while running (reports from a higher partition, or a larger count announced):
 * the new partitions then hold every watermark until they report.
 *
 * State is shards × partitions small numbers, in memory. It is restorable by design rather than
 * stored: after a restart it starts empty and is rebuilt from fresh progress reports, which upstream
 * re-sends periodically; until then watermarks are lower than before, which only delays output.
 */
export class WatermarkTracker {
  private readonly shardColumns = new Map<string, ShardColumns>();
  private count: number;

  constructor(partitionCount = 0) {
    this.count = partitionCount;
  }

  get partitionCount(): number {
    return this.count;
  }

  /** Partition counts never shrink in Kafka; a stale, smaller count is ignored. Returns true on growth. */
  observePartitionCount(partitionCount: number): boolean {
    if (partitionCount <= this.count) return false;
    this.count = partitionCount;
    return true;
  }

  /** Monotonic per (shard, partition). Returns true when the partition's value rose. */
  advance(partition: number, progress: ShardProgress): boolean {
    this.observePartitionCount(partition + 1);
    let columns = this.shardColumns.get(progress.serverId);
    if (columns === undefined) {
      columns = { gtidSequences: [], timestamps: [] };
      this.shardColumns.set(progress.serverId, columns);
    }
    let moved = false;
    const gtid = columns.gtidSequences[partition];
    if (gtid === undefined || progress.gtidSequence > gtid) {
      columns.gtidSequences[partition] = progress.gtidSequence;
      moved = true;
    }
    const time = columns.timestamps[partition];
    if (time === undefined || progress.timestamp > time) {
      columns.timestamps[partition] = progress.timestamp;
      moved = true;
    }
    return moved;
  }

  /** Undefined while any partition 0..N-1 has passed nothing for the shard (or N is still 0). */
  shardWatermark(serverId: string): ShardWatermark | undefined {
    const columns = this.shardColumns.get(serverId);
    if (columns === undefined || this.count === 0) return undefined;
    let gtidSequence: bigint | undefined;
    let timestamp = Infinity;
    for (let partition = 0; partition < this.count; partition++) {
      const gtid = columns.gtidSequences[partition];
      const time = columns.timestamps[partition];
      if (gtid === undefined || time === undefined) return undefined;
      if (gtidSequence === undefined || gtid < gtidSequence) gtidSequence = gtid;
      if (time < timestamp) timestamp = time;
    }
    return gtidSequence === undefined ? undefined : { gtidSequence, timestamp };
  }

  /** How far the slowest partition is behind the fastest for the shard (0 when only one has reported). */
  lag(serverId: string): { gtidSequence: bigint; timeMs: number } | undefined {
    const columns = this.shardColumns.get(serverId);
    if (columns === undefined) return undefined;
    let low: bigint | undefined;
    let high: bigint | undefined;
    let early = Infinity;
    let late = -Infinity;
    for (let partition = 0; partition < this.count; partition++) {
      const gtid = columns.gtidSequences[partition] ?? 0n;
      const time = columns.timestamps[partition];
      if (low === undefined || gtid < low) low = gtid;
      if (high === undefined || gtid > high) high = gtid;
      if (time !== undefined) {
        early = Math.min(early, time);
        late = Math.max(late, time);
      }
    }
    if (low === undefined || high === undefined) return undefined;
    return { gtidSequence: high - low, timeMs: late >= early ? late - early : 0 };
  }

  /** Shards that some partition has reported. */
  shards(): IterableIterator<string> {
    return this.shardColumns.keys();
  }
}
