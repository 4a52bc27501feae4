import { describe, expect, it } from 'vitest';
import { Resequencer } from '../../../src/cdc/resequencer/resequencer.js';
import { heldKey, heldKeyAfter, shardStateKey } from '../../../src/cdc/resequencer/resequencer-keys.js';
import type { ResequencerEntry, ResequencerOptions, ShardState, StallReport } from '../../../src/cdc/resequencer/resequencer-types.js';
import type { WatermarkControl } from '../../../src/cdc/watermarks/watermark-control.js';
import { streamRecord, type StreamRecord } from '../../../src/processor/stream-record.js';
import { bufferKeyStore, stringKeyStore } from '../../support/fake-key-value-store.js';

interface Value {
  readonly tag: string;
  readonly version?: bigint;
  readonly source: { serverId: string; gtid: string; gtidSequence: bigint; fileName: string; position: bigint; rowIndex: number; timestamp: number };
}

const event = (key: string, serverId: string, seq: number, position = 100, rowIndex = 0, version?: number): StreamRecord<string, Value> => {
  const value: Value = {
    tag: `${serverId}:${seq}/${position}/${rowIndex}`,
    version: version === undefined ? undefined : BigInt(version),
    source: { serverId, gtid: `u:${seq}`, gtidSequence: BigInt(seq), fileName: 'f', position: BigInt(position), rowIndex, timestamp: seq * 1000 },
  };
  return streamRecord(key, value, seq * 1000);
};

const control = (partition: number, partitionCount: number, ...shards: Array<[string, number]>): WatermarkControl => ({
  type: 'watermark',
  inputTopic: 'dts',
  inputPartition: partition,
  partitionCount,
  shards: shards.map(([serverId, seq]) => ({ serverId, gtidSequence: BigInt(seq), timestamp: seq * 1000 })),
});

function setup(options: ResequencerOptions<Value> = {}) {
  const held = bufferKeyStore<ResequencerEntry<string, Value>>('held');
  const shards = stringKeyStore<ShardState>('shards');
  const released = bufferKeyStore<number>('released');
  const counters = stringKeyStore<string>('counters');
  const out: Array<{ tag: string; key: string; late: boolean }> = [];
  const make = (clock?: () => number) =>
    new Resequencer<string, Value>({ held, shards, released, counters }, options, (record, late) => out.push({ tag: record.value.tag, key: record.key, late }), clock);
  return { held, shards, released, counters, out, make, tags: () => out.map((o) => o.tag) };
}

describe('Resequencer', () => {
  it('holds events until every partition has passed them, then releases the shard in source order', async () => {
    const s = setup();
    const r = s.make();
    await r.init();
    await r.accept(event('k', '1', 3, 50));
    await r.accept(event('k', '1', 2, 900, 1));
    await r.accept(event('k', '1', 2, 900, 0));
    await r.accept(event('k', '1', 4));
    await r.applyControl(control(0, 2, ['1', 4]));
    expect(s.out).toEqual([]);
    await r.applyControl(control(1, 2, ['1', 3]));
    expect(s.tags()).toEqual(['1:2/900/0', '1:2/900/1', '1:3/50/0']);
    await r.applyControl(control(1, 2, ['1', 9]));
    expect(s.tags()).toEqual(['1:2/900/0', '1:2/900/1', '1:3/50/0', '1:4/100/0']);
    expect(r.metrics.eventsHeld).toBe(0);
  });

  it('starts each release scan after what its shard released before, not at the shard prefix', async () => {
    const s = setup();
    const r = s.make();
    await r.init();
    await r.accept(event('k', '1', 3));
    await r.applyControl(control(0, 1, ['1', 3]));
    await r.accept(event('k', '1', 7));
    const starts: Array<Buffer | undefined> = [];
    const range = s.held.range.bind(s.held);
    s.held.range = (options) => {
      starts.push(options?.from);
      return range(options);
    };
    await r.applyControl(control(0, 1, ['1', 7]));
    expect(s.tags()).toEqual(['1:3/100/0', '1:7/100/0']);
    expect(starts).toEqual([heldKeyAfter('1', 3n)]);
  });

  it('drops an event at or before its shard watermark as a redelivery, and a held duplicate once', async () => {
    const s = setup();
    const r = s.make();
    await r.accept(event('k', '1', 5));
    await r.accept(event('k', '1', 5));
    await r.applyControl(control(0, 1, ['1', 5]));
    await r.accept(event('k', '1', 5));
    await r.accept(event('k', '1', 4));
    expect(s.tags()).toEqual(['1:5/100/0']);
    expect(r.metrics.duplicatesDropped).toBe(3);
  });

  it('keeps de-duplicating after a restart, before any fresh watermark has arrived', async () => {
    const s = setup();
    const first = s.make();
    await first.accept(event('k', '1', 5));
    await first.accept(event('k', '1', 6));
    await first.applyControl(control(0, 1, ['1', 5]));
    const restarted = s.make();
    await restarted.init();
    await restarted.accept(event('k', '1', 5));
    await restarted.accept(event('k', '1', 6));
    await restarted.applyControl(control(0, 1, ['1', 6]));
    expect(s.tags()).toEqual(['1:5/100/0', '1:6/100/0']);
  });

  it('keeps the offset of every held event: heldFromOffset is the block of the oldest one still held', async () => {
    const s = setup();
    const r = s.make();
    await r.init();
    expect(r.heldFromOffset()).toBeUndefined();
    await r.accept(event('k', '1', 7), 5_000);
    await r.accept(event('k', '2', 3), 6_100);
    await r.accept(event('k', '1', 8), 7_000);
    expect(r.heldFromOffset()).toBe(4_096);
    await r.applyControl(control(0, 1, ['1', 7], ['2', 0]));
    expect(r.heldFromOffset()).toBe(5_120);
    await r.applyControl(control(0, 1, ['1', 8], ['2', 3]));
    expect(r.heldFromOffset()).toBeUndefined();
  });

  it('after a crash, init drops held events released since the held store was last flushed and keeps the rest with their offsets', async () => {
    const s = setup();
    const first = s.make();
    await first.init();
    await first.accept(event('k', '1', 5), 2_000);
    await first.accept(event('k', '1', 6), 3_000);
    const flushed = s.held.copy();
    await first.applyControl(control(0, 1, ['1', 5]));
    expect(s.tags()).toEqual(['1:5/100/0']);
    // The shards store (changelogged) says 5 was released; the held store is as flushed before that.
    const restarted = new Resequencer<string, Value>({ held: flushed, shards: s.shards }, {}, (record) => s.out.push({ tag: record.value.tag, key: record.key, late: false }));
    await restarted.init();
    expect(restarted.metrics.eventsHeld).toBe(1);
    expect(restarted.heldFromOffset()).toBe(2_048);
    // What the input gives again from there: 6 is a redelivery of the held copy.
    await restarted.accept(event('k', '1', 6), 3_000);
    await restarted.applyControl(control(0, 1, ['1', 6]));
    expect(s.tags()).toEqual(['1:5/100/0', '1:6/100/0']);
    expect(restarted.metrics.duplicatesDropped).toBe(1);
  });

  it('init moves shard rows an earlier version kept in the held store to the shards store', async () => {
    const s = setup();
    s.held.put(shardStateKey('1'), { kind: 'shard', serverId: '1', releasedThrough: '5', earlyThrough: undefined });
    const r = s.make();
    await r.init();
    expect(await s.shards.get('1')).toEqual({ kind: 'shard', serverId: '1', releasedThrough: '5', earlyThrough: undefined });
    expect(await s.held.get(shardStateKey('1'))).toBeUndefined();
    await r.accept(event('k', '1', 5));
    expect(r.metrics.duplicatesDropped).toBe(1);
  });

  it('prefetch asks the held store, in one call, for the identities of the records not yet released', async () => {
    const s = setup();
    const r = s.make();
    await r.accept(event('k', '1', 5));
    await r.applyControl(control(0, 1, ['1', 5]));
    const asked: Buffer[][] = [];
    s.held.prefetch = async (keys) => {
      asked.push([...keys]);
    };
    await r.prefetch([event('k', '1', 4), event('k', '1', 7, 10), event('k', '2', 1)]);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.map((k) => k.toString('hex'))).toEqual([heldKey(event('k', '1', 7, 10).value.source), heldKey(event('k', '2', 1).value.source)].map((k) => k.toString('hex')));
  });

  it('a watermark passing a shard with nothing held scans nothing', async () => {
    const s = setup();
    const r = s.make();
    await r.accept(event('k', '1', 5));
    await r.applyControl(control(0, 1, ['1', 5]));
    let scans = 0;
    const range = s.held.range.bind(s.held);
    s.held.range = (options) => {
      scans++;
      return range(options);
    };
    await r.applyControl(control(0, 1, ['1', 9]));
    expect(scans).toBe(0);
    await r.accept(event('k', '1', 10));
    await r.applyControl(control(0, 1, ['1', 10]));
    expect(scans).toBe(1);
    expect(s.tags()).toEqual(['1:5/100/0', '1:10/100/0']);
  });

  it('releases each shard by its own watermark; time waits for every shard seen', async () => {
    const s = setup();
    const r = s.make();
    await r.accept(event('a', '1', 2));
    await r.accept(event('b', '2', 1));
    const w = await r.applyControl(control(0, 1, ['2', 1]));
    expect(s.tags()).toEqual(['2:1/100/0']);
    expect(w).toBeUndefined(); // shard 1 has shown data but no progress yet
    const both = await r.applyControl(control(0, 1, ['1', 2]));
    expect(s.tags()).toEqual(['2:1/100/0', '1:2/100/0']);
    expect(both?.timeWatermark).toBe(999);
  });

  it('forwards the event-time watermark (minimum over shards, minus 1 ms) only when it moves', async () => {
    const s = setup();
    const r = s.make();
    expect(await r.applyControl(control(0, 2, ['1', 5]))).toBeUndefined();
    const first = await r.applyControl(control(1, 2, ['1', 7], ['2', 9]));
    expect(first).toBeUndefined(); // shard 2 has not been passed by partition 0
    const second = await r.applyControl(control(0, 2, ['1', 5], ['2', 3]));
    expect(second).toEqual({
      type: 'event-time-watermark',
      timeWatermark: 2999,
      shards: [
        { serverId: '1', gtidSequence: 5n, timestamp: 5000 },
        { serverId: '2', gtidSequence: 3n, timestamp: 3000 },
      ],
    });
    expect(await r.applyControl(control(0, 2, ['1', 5], ['2', 3]))).toBeUndefined();
  });

  it("under 'wait' reports a stall after maxHoldMs but keeps holding", async () => {
    const stalls: StallReport[] = [];
    const s = setup({ maxHoldMs: 1000, onStall: (r) => stalls.push(r) });
    const r = s.make();
    await r.applyControl(control(0, 2, ['1', 1]));
    await r.accept(event('k', '1', 3));
    await r.checkStalls(0);
    await r.checkStalls(999);
    expect(stalls).toEqual([]);
    await r.checkStalls(1000);
    await r.checkStalls(1500);
    expect(stalls).toEqual([{ serverId: '1', waitedMs: 1000, watermark: undefined, policy: 'wait' }]);
    expect(r.metrics.stalls).toBe(1);
    expect(r.metrics.stalledShards).toBe(1);
    expect(s.out).toEqual([]);
    await r.applyControl(control(1, 2, ['1', 3]));
    await r.applyControl(control(0, 2, ['1', 3]));
    await r.checkStalls(1600);
    expect(s.tags()).toEqual(['1:3/100/0']);
    expect(r.metrics.stalledShards).toBe(0);
  });

  it("under 'emit-and-flag' releases a stalled shard flagged late, drops later redeliveries, flags a late original", async () => {
    const s = setup({ policy: 'emit-and-flag', maxHoldMs: 1000 });
    const r = s.make();
    await r.accept(event('k', '1', 4));
    await r.accept(event('k', '1', 6));
    await r.checkStalls(0);
    await r.checkStalls(1000);
    expect(s.out).toEqual([
      { tag: '1:4/100/0', key: 'k', late: true },
      { tag: '1:6/100/0', key: 'k', late: true },
    ]);
    await r.accept(event('k', '1', 6)); // redelivery of a released event
    await r.accept(event('k', '1', 5)); // an original that belongs before a released one
    await r.accept(event('k', '1', 5)); // and its redelivery
    await r.accept(event('k', '1', 7)); // after everything released: held normally
    expect(s.out.slice(2)).toEqual([{ tag: '1:5/100/0', key: 'k', late: true }]);
    expect(r.metrics.duplicatesDropped).toBe(2);
    await r.applyControl(control(0, 1, ['1', 7]));
    expect(s.out.slice(3)).toEqual([{ tag: '1:7/100/0', key: 'k', late: false }]);
    expect(s.released.size).toBe(0); // identities at or before the watermark are no longer needed
  });

  it('releases released identities older than the retention behind the newest early release', async () => {
    const s = setup({ policy: 'emit-and-flag', maxHoldMs: 10, dedupRetentionMs: 1500 });
    const r = s.make();
    await r.accept(event('k', '1', 1));
    await r.accept(event('k', '1', 2));
    await r.accept(event('k', '1', 3));
    await r.checkStalls(0);
    await r.checkStalls(10); // released early; newest event time 3000, cutoff 1500
    await r.checkStalls(20);
    expect(s.released.size).toBe(2);
  });

  it('fast path: releases the event that directly follows the last released counter of its key at once', async () => {
    const s = setup({ fastPath: { counter: (v) => v.version, first: 1n } });
    const r = s.make();
    await r.accept(event('k', '1', 1, 100, 0, 1));
    await r.accept(event('k', '1', 3, 100, 0, 3));
    await r.accept(event('k', '1', 2, 100, 0, 2));
    await r.accept(event('k', '1', 2, 100, 0, 2)); // redelivery
    expect(s.tags()).toEqual(['1:1/100/0', '1:2/100/0']);
    await r.applyControl(control(0, 1, ['1', 3]));
    expect(s.tags()).toEqual(['1:1/100/0', '1:2/100/0', '1:3/100/0']);
    expect(r.metrics.fastPathReleased).toBe(2);
    expect(await s.counters.get('k')).toBe('3');
  });
});

describe('Resequencer shard summaries and notes (for the dashboard)', () => {
  it('counts held events per shard and ages the oldest from when it was first held, until released', async () => {
    const s = setup();
    let now = 10_000;
    const r = s.make(() => now);
    await r.init();
    await r.accept(event('a', '1', 3));
    now += 1000;
    await r.accept(event('b', '1', 5));
    await r.accept(event('c', '2', 7));
    now += 500;
    await r.applyControl(control(0, 1, ['1', 2], ['2', 1]));
    expect(r.shardSummaries()).toEqual([
      { serverId: '1', watermark: { gtidSequence: 2n, timestamp: 2000 }, held: 2, oldestHeldMs: 1500 },
      { serverId: '2', watermark: { gtidSequence: 1n, timestamp: 1000 }, held: 1, oldestHeldMs: 500 },
    ]);
    await r.applyControl(control(0, 1, ['1', 3], ['2', 7]));
    expect(r.shardSummaries()).toEqual([
      { serverId: '1', watermark: { gtidSequence: 3n, timestamp: 3000 }, held: 1, oldestHeldMs: 500 },
      { serverId: '2', watermark: { gtidSequence: 7n, timestamp: 7000 }, held: 0, oldestHeldMs: undefined },
    ]);
  });

  it("notes why events went out late under 'emit-and-flag': the stalled shard's early release and an original behind it", async () => {
    const s = setup({ policy: 'emit-and-flag', maxHoldMs: 1000 });
    const r = s.make(() => 42);
    await r.accept(event('k', '1', 4));
    await r.accept(event('k', '1', 6));
    await r.checkStalls(0);
    await r.checkStalls(1000);
    await r.accept(event('k', '1', 5));
    expect(r.notes.list()).toEqual([
      { at: 1000, kind: 'late', message: 'shard 1: held events waited 1000 ms for the watermark; released 2 early, flagged late' },
      { at: 42, kind: 'late', message: 'key k (shard 1, GTID u:5) arrived after later events of its shard were released early: emitted flagged late' },
    ]);
  });

  it("notes a stall under 'wait' once per episode", async () => {
    const s = setup({ maxHoldMs: 1000 });
    const r = s.make();
    await r.accept(event('k', '1', 4));
    await r.checkStalls(0);
    await r.checkStalls(1000);
    await r.checkStalls(2000);
    expect(r.notes.list()).toEqual([
      { at: 1000, kind: 'stall', message: 'shard 1: held events waited 1000 ms for the watermark (1 held); policy wait: still holding' },
    ]);
  });
});
