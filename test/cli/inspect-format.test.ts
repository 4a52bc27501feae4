import { describe, expect, it } from 'vitest';
import { DtsInspector, formatDtsRecord } from '../../src/cli/inspect-format.js';
import { simulateFlashSale, type SimMessage } from '../../src/sim/index.js';
import type { RawRecord } from '../../src/kafka-tools/index.js';

function records(messages: Iterable<SimMessage>): RawRecord[] {
  return [...messages].map((m, i) => ({
    topic: 'dts.sale',
    partition: m.partition,
    offset: String(i),
    key: null,
    value: m.value,
    headers: {},
    timestamp: m.timestamp,
  }));
}

describe('DtsInspector', () => {
  // Every order gets a big remark, so chunked groups are certain; one partition keeps pieces consecutive.
  const sim = simulateFlashSale({ seed: 3, orders: 5, partitions: 1, bigRemarkRate: 1, redelivery: { probability: 0, maxMessages: 1 } });
  const all = records(sim.messages);

  it('decodes the entries of whole messages and of every chunked group whose pieces were all shown', () => {
    const inspector = new DtsInspector();
    const shown = all.map((r) => inspector.show(r));
    expect(sim.stats.chunkedGroups).toBeGreaterThan(0);
    expect(shown.filter((s) => (s.total ?? 1) > 1 && s.entries !== undefined)).toHaveLength(sim.stats.chunkedGroups);
    expect(shown.filter((s) => s.total === 1).every((s) => s.entries !== undefined)).toBe(true);
    expect(shown.some((s) => s.error !== undefined)).toBe(false);
  });

  it('shows row values with int64 ids as exact decimal strings', () => {
    const inspector = new DtsInspector();
    const insert = all
      .flatMap((r) => inspector.show(r).entries ?? [])
      .find((e) => e.dml === 'INSERT' && e.table === 'sale.orders');
    const orderId = insert?.rows?.[0]?.after?.['order_id'];
    expect(typeof orderId).toBe('string');
    expect(BigInt(orderId as string) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('shows no entries for a group whose first pieces are outside the range, and says why', () => {
    const inspector = new DtsInspector();
    const shown = all.map((r) => inspector.show(r));
    const lastPieceAt = shown.findIndex((s) => (s.total ?? 1) > 1 && s.entries !== undefined);
    const fresh = new DtsInspector().show(all[lastPieceAt] as RawRecord);
    expect(fresh.entries).toBeUndefined();
    expect(fresh.note).toContain('earlier pieces not in the shown range');
    expect(formatDtsRecord(fresh)).toContain(`piece ${fresh.total}/${fresh.total}`);
  });

  it('reports bytes that are not an envelope on the record instead of failing', () => {
    const shown = new DtsInspector().show({ ...(all[0] as RawRecord), value: Buffer.from([0xff, 0xff, 0xff]) });
    expect(shown.error).toBeDefined();
    expect(formatDtsRecord(shown)).toContain('ERROR:');
  });
});
