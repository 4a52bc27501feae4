import type { ShardProgress } from './shard-progress.js';
import type { WatermarkControl } from './watermark-control.js';
import { WatermarkTracker, type ShardWatermark } from './watermark-tracker.js';

/**
 * The downstream side of watermarks through a repartition (docs/design.md 3.3): folds the control records
 * of every upstream input partition into per-shard watermarks. With more than one input topic a shard's
 * watermark is the minimum over the topics, so every topic must carry (heartbeats of) every shard.
 * Starts empty after a restart and waits for fresh control records — see WatermarkTracker.
 */
export class UpstreamWatermarks {
  private readonly topics = new Map<string, WatermarkTracker>();
  private readonly known = new Set<string>();

  /** Returns true when some partition's progress rose or the partition count grew. */
  apply(control: WatermarkControl): boolean {
    let tracker = this.topics.get(control.inputTopic);
    if (tracker === undefined) {
      tracker = new WatermarkTracker();
      this.topics.set(control.inputTopic, tracker);
    }
    let moved = tracker.observePartitionCount(control.partitionCount);
    for (const shard of control.shards) {
      this.known.add(shard.serverId);
      if (tracker.advance(control.inputPartition, shard)) moved = true;
    }
    return moved;
  }

  /** Applies a single partition's progress, as a source in the same task reports it. */
  advance(inputTopic: string, inputPartition: number, partitionCount: number, progress: ShardProgress): boolean {
    return this.apply({ type: 'watermark', inputTopic, inputPartition, partitionCount, shards: [progress] });
  }

  shardWatermark(serverId: string): ShardWatermark | undefined {
    let gtidSequence: bigint | undefined;
    let timestamp = Infinity;
    for (const tracker of this.topics.values()) {
      const watermark = tracker.shardWatermark(serverId);
      if (watermark === undefined) return undefined;
      if (gtidSequence === undefined || watermark.gtidSequence < gtidSequence) gtidSequence = watermark.gtidSequence;
      timestamp = Math.min(timestamp, watermark.timestamp);
    }
    return gtidSequence === undefined ? undefined : { gtidSequence, timestamp };
  }

  /** Shards some upstream partition has reported, in first-seen order. */
  shards(): ReadonlySet<string> {
    return this.known;
  }

  /** Slowest-vs-fastest partition spread of a shard, the largest over topics. */
  lag(serverId: string): { gtidSequence: bigint; timeMs: number } | undefined {
    let worst: { gtidSequence: bigint; timeMs: number } | undefined;
    for (const tracker of this.topics.values()) {
      const lag = tracker.lag(serverId);
      if (lag !== undefined && (worst === undefined || lag.gtidSequence > worst.gtidSequence)) worst = lag;
    }
    return worst;
  }
}
