import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../src/cdc/watermarks/partition-progress.js';
import { UpstreamWatermarks } from '../../../src/cdc/watermarks/upstream-watermarks.js';
import { WatermarkTracker } from '../../../src/cdc/watermarks/watermark-tracker.js';

const progress = (serverId: string, gtidSequence: bigint, timestamp: number) => ({ serverId, gtidSequence, timestamp });

describe('WatermarkTracker', () => {
  it('is the minimum over all partitions, and nothing while a partition has shown nothing for the shard', () => {
    const t = new WatermarkTracker(3);
    t.advance(0, progress('1', 10n, 1000));
    t.advance(2, progress('1', 7n, 3000));
    expect(t.shardWatermark('1')).toBeUndefined();
    t.advance(1, progress('1', 12n, 2000));
    expect(t.shardWatermark('1')).toEqual({ gtidSequence: 7n, timestamp: 1000 });
    expect(t.shardWatermark('2')).toBeUndefined();
  });

  it('never moves a partition back on a lower (redelivered) report', () => {
    const t = new WatermarkTracker(1);
    expect(t.advance(0, progress('1', 10n, 1000))).toBe(true);
    expect(t.advance(0, progress('1', 4n, 500))).toBe(false);
    expect(t.shardWatermark('1')).toEqual({ gtidSequence: 10n, timestamp: 1000 });
  });

  it('holds every watermark when the partition count grows until the new partitions report', () => {
    const t = new WatermarkTracker(1);
    t.advance(0, progress('1', 10n, 1000));
    expect(t.observePartitionCount(2)).toBe(true);
    expect(t.shardWatermark('1')).toBeUndefined();
    expect(t.observePartitionCount(1)).toBe(false);
    t.advance(3, progress('1', 11n, 1500));
    expect(t.partitionCount).toBe(4);
    t.advance(1, progress('1', 10n, 1000));
    t.advance(2, progress('1', 9n, 900));
    expect(t.shardWatermark('1')?.gtidSequence).toBe(9n);
  });

  it('reports the spread between the slowest and fastest partition as lag', () => {
    const t = new WatermarkTracker(2);
    t.advance(0, progress('1', 10n, 1000));
    t.advance(1, progress('1', 4n, 400));
    expect(t.lag('1')).toEqual({ gtidSequence: 6n, timeMs: 600 });
  });
});

describe('PartitionProgress', () => {
  it('keeps the highest progress per shard and snapshots every shard', () => {
    const p = new PartitionProgress();
    expect(p.advance(progress('1', 5n, 50))).toBe(true);
    expect(p.advance(progress('1', 3n, 30))).toBe(false);
    expect(p.advance(progress('2', 1n, 10))).toBe(true);
    expect(p.snapshot()).toEqual([progress('1', 5n, 50), progress('2', 1n, 10)]);
  });
});

describe('UpstreamWatermarks', () => {
  it('folds control records of all upstream partitions into per-shard watermarks', () => {
    const u = new UpstreamWatermarks();
    u.apply({ type: 'watermark', inputTopic: 'dts', inputPartition: 0, partitionCount: 2, shards: [progress('1', 8n, 800)] });
    expect(u.shardWatermark('1')).toBeUndefined();
    u.apply({ type: 'watermark', inputTopic: 'dts', inputPartition: 1, partitionCount: 2, shards: [progress('1', 6n, 600), progress('2', 1n, 100)] });
    expect(u.shardWatermark('1')).toEqual({ gtidSequence: 6n, timestamp: 600 });
    expect(u.shardWatermark('2')).toBeUndefined();
    expect([...u.shards()]).toEqual(['1', '2']);
  });

  it('takes the minimum over input topics', () => {
    const u = new UpstreamWatermarks();
    u.advance('a', 0, 1, progress('1', 8n, 800));
    u.advance('b', 0, 1, progress('1', 5n, 900));
    expect(u.shardWatermark('1')).toEqual({ gtidSequence: 5n, timestamp: 800 });
  });
});
