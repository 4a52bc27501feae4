import { describe, expect, it } from 'vitest';
import type { BinlogTransaction } from '../../../src/sim/model/binlog.js';
import { flashSaleBinlog } from '../../../src/sim/model/flash-sale-model.js';
import { resolveModelOptions } from '../../../src/sim/model/model-options.js';

const options = resolveModelOptions({ seed: 9, orders: 400, shards: 3, binlogFileBytes: 8192, bigRemarkRate: 0.02, bigRemarkBytes: 2000 });
const items = [...flashSaleBinlog(options)];
const txns = items.filter((i): i is BinlogTransaction => i.kind === 'transaction');

describe('flashSaleBinlog', () => {
  it('gives each shard GTID sequences 1, 2, 3 … with non-decreasing event time', () => {
    for (const serverId of ['1001', '1002', '1003']) {
      const own = txns.filter((t) => t.shard.serverId === serverId);
      expect(own.map((t) => t.gtidSequence)).toEqual(own.map((_, i) => BigInt(i + 1)));
      for (let i = 1; i < own.length; i++) expect(own[i]?.timestamp).toBeGreaterThanOrEqual(own[i - 1]?.timestamp ?? 0);
    }
  });

  it('rotates binlog files, positions growing within a file and restarting at 4', () => {
    const own = txns.filter((t) => t.shard.serverId === '1001');
    expect(new Set(own.map((t) => t.fileName)).size).toBeGreaterThan(1);
    for (let i = 1; i < own.length; i++) {
      const [prev, cur] = [own[i - 1] as BinlogTransaction, own[i] as BinlogTransaction];
      if (cur.fileName === prev.fileName) expect(cur.beginPosition).toBeGreaterThan(prev.endPosition);
      else expect(cur.beginPosition).toBe(4n);
    }
  });

  it('puts orders on shard order_id mod shards', () => {
    for (const t of txns) for (const e of t.events) if (e.table === 'orders') for (const r of e.rows) expect(Number(r.after.order_id % 3n)).toBe(t.shard.index);
  });

  it('bumps version by one on every orders UPDATE', () => {
    for (const t of txns) {
      for (const e of t.events) if (e.table === 'orders' && e.op === 'update') for (const r of e.rows) expect(r.after.version).toBe((r.before?.version ?? 0) + 1);
    }
  });

  it('writes a payments row for every order moved to PAID, in the same transaction', () => {
    let paid = 0;
    for (const t of txns) {
      const payments = new Set(t.events.flatMap((e) => (e.table === 'payments' ? e.rows.map((r) => r.after.order_id) : [])));
      for (const e of t.events) {
        if (e.table !== 'orders') continue;
        for (const r of e.rows) {
          if (r.after.status === 'PAID' && r.before?.status !== 'PAID') {
            paid++;
            expect(payments.has(r.after.order_id)).toBe(true);
          }
        }
      }
    }
    expect(paid).toBeGreaterThan(0);
  });

  it('includes rolled-back transactions, remark-only updates and multi-order transactions', () => {
    expect(txns.some((t) => t.outcome === 'rollback')).toBe(true);
    expect(txns.some((t) => t.events.some((e) => e.table === 'orders' && e.rows.some((r) => r.before !== undefined && r.before.status === r.after.status)))).toBe(true);
    expect(txns.some((t) => t.events.some((e) => e.rows.length > 1))).toBe(true);
  });

  it('never sends a shard transaction at or before the time of that shard’s earlier heartbeat', () => {
    const clock = new Map<string, number>();
    for (const item of items) {
      if (item.kind === 'heartbeat') clock.set(item.shard.serverId, item.timestamp);
      else expect(item.timestamp).toBeGreaterThan(clock.get(item.shard.serverId) ?? -1);
    }
  });
});
