import type { ShardProgress } from './shard-progress.js';

interface Passed {
  gtidSequence: bigint;
  timestamp: number;
}

/**
 * What ONE input partition has passed, per shard: the upstream side of the watermarks. Monotonic —
 * a redelivered stretch reports older progress, which never moves a value back. In memory only: after
 * a restart the partition is re-read from its held offset and the progress is learnt again.
 */
export class PartitionProgress {
  private readonly passed = new Map<string, Passed>();

  /** Returns true when the GTID sequence or the time of the shard moved forward. */
  advance(progress: ShardProgress): boolean {
    const current = this.passed.get(progress.serverId);
    if (current === undefined) {
      this.passed.set(progress.serverId, { gtidSequence: progress.gtidSequence, timestamp: progress.timestamp });
      return true;
    }
    let moved = false;
    if (progress.gtidSequence > current.gtidSequence) {
      current.gtidSequence = progress.gtidSequence;
      moved = true;
    }
    if (progress.timestamp > current.timestamp) {
      current.timestamp = progress.timestamp;
      moved = true;
    }
    return moved;
  }

  get(serverId: string): ShardProgress | undefined {
    const passed = this.passed.get(serverId);
    return passed === undefined ? undefined : { serverId, gtidSequence: passed.gtidSequence, timestamp: passed.timestamp };
  }

  /** Every shard's progress, for a control record (re-sent whole, so a restarted downstream catches up). */
  snapshot(): ShardProgress[] {
    const shards: ShardProgress[] = [];
    for (const [serverId, passed] of this.passed) {
      shards.push({ serverId, gtidSequence: passed.gtidSequence, timestamp: passed.timestamp });
    }
    return shards;
  }

  get size(): number {
    return this.passed.size;
  }
}
