import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEntries, decodeEnvelope } from '../../src/cdc/dts/dts-decode.js';
import { simulateFlashSale, verify, type SimulationOptions } from '../../src/sim/index.js';

function digest(options: SimulationOptions): { hash: string; count: number } {
  const hash = createHash('sha256');
  let count = 0;
  for (const m of simulateFlashSale(options).messages) {
    hash.update(`${m.partition}:${m.timestamp}:`).update(m.value);
    count++;
  }
  return { hash: hash.digest('hex'), count };
}

describe('simulateFlashSale', () => {
  const options: SimulationOptions = { seed: 11, orders: 150, shards: 2, partitions: 3, bigRemarkRate: 0.05, bigRemarkBytes: 40_000, redelivery: { probability: 0.05, maxMessages: 6 } };

  it('writes byte-identical messages for the same seed, and different ones for another seed', () => {
    const first = digest(options);
    expect(digest(options)).toEqual(first);
    expect(digest({ ...options, seed: 12 }).hash).not.toBe(first.hash);
  });

  it('replays the same ground truth each time it is iterated', () => {
    const sim = simulateFlashSale(options);
    expect([...sim.groundTruth]).toEqual([...sim.groundTruth]);
  });

  it('keeps the ground truth independent of how the messages are partitioned', () => {
    const a = [...simulateFlashSale(options).groundTruth];
    const b = [...simulateFlashSale({ ...options, partitions: 7, strategy: 'table' }).groundTruth];
    expect(b).toEqual(a);
  });

  it('keeps every message within maxMessageBytes and counts what it wrote', () => {
    const sim = simulateFlashSale(options);
    let count = 0;
    for (const m of sim.messages) {
      expect(m.value.length).toBeLessThanOrEqual(32_768);
      count++;
    }
    expect(sim.stats.messages).toBe(count);
    expect(sim.stats.pieces).toBeGreaterThan(0);
    expect(sim.stats.rolledBack).toBeGreaterThan(0);
  });

  it('numbers each order 1..n, starts with OrderCreated, and covers every lifecycle of DESIGN 2.1', () => {
    const orders = [...simulateFlashSale({ seed: 3, orders: 600 }).groundTruth];
    expect(orders.length).toBe(600);
    const types = new Set<string>();
    for (const o of orders) {
      expect(o.events.map((e) => e.seq)).toEqual(o.events.map((_, i) => i + 1));
      expect(o.events[0]?.type).toBe('OrderCreated');
      for (const e of o.events) types.add(e.afterExpiry ? `${e.type}+afterExpiry` : e.type);
    }
    expect([...types].sort()).toEqual([
      'OrderCancelled',
      'OrderCreated',
      'OrderExpired',
      'OrderPaid',
      'OrderPaid+afterExpiry',
      'OrderRefunded',
      'OrderShipped',
    ]);
  });

  it('ends with a heartbeat from every shard on every partition, past the last payment deadline', () => {
    const sim = simulateFlashSale({ ...options, redelivery: { probability: 0, maxMessages: 1 } });
    const last = new Map<string, number>();
    for (const m of sim.messages) {
      const envelope = decodeEnvelope(m.value);
      if (envelope.total !== 1) continue;
      for (const e of decodeEntries(envelope.data)) if (e.event.kind === 'heartbeat') last.set(`${m.partition}/${e.header.serverId}`, e.header.timestamp);
    }
    const lastDeadline = Math.max(...[...sim.groundTruth].map((o) => (o.events[0]?.occurredAt ?? 0) / 1000 + 1800));
    expect(last.size).toBe(3 * 2);
    for (const timestamp of last.values()) expect(timestamp).toBeGreaterThan(lastDeadline);
  });

  it('verifies its own ground truth as correct output', () => {
    const sim = simulateFlashSale(options);
    const events = [...sim.groundTruth].flatMap((o) => o.events);
    expect(verify(sim.groundTruth, events).ok).toBe(true);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => simulateFlashSale({ shards: 0 })).toThrow(/shards must be an integer from 1/);
    expect(() => simulateFlashSale({ partitions: 2, partitionIncrease: { afterTransactions: 5, to: 2 } })).toThrow(/partitionIncrease.to/);
  });
});
