import { describe, expect, it } from 'vitest';
import type { EntryKind, TransactionAnomaly } from '../../../src/cdc/transactions/transaction-entry.js';
import { TransactionGrouper } from '../../../src/cdc/transactions/transaction-grouper.js';

interface Entry {
  readonly header: { serverId: string; gtid: string; timestamp: number };
  readonly event: { kind: EntryKind };
  readonly tag: string;
}

const entry = (kind: EntryKind, serverId: string, seq: number, tag: string = kind, timestamp = 100): Entry => ({
  header: { serverId, gtid: `uuid-${serverId}:${seq}`, timestamp },
  event: { kind },
  tag,
});

function grouper(anomalies: TransactionAnomaly[] = []) {
  return new TransactionGrouper<Entry>({ onAnomaly: (a) => anomalies.push(a) });
}

describe('TransactionGrouper', () => {
  it('releases BEGIN..COMMIT as one unit with its GTID sequence, commit time and BEGIN offset', () => {
    const g = grouper();
    expect(g.accept(entry('begin', '1', 7), '10')).toBeUndefined();
    expect(g.openTransactionOffset()).toBe('10');
    expect(g.accept(entry('dml', '1', 7, 'row-a'), '10')).toBeUndefined();
    expect(g.accept(entry('dml', '1', 7, 'row-b'), '11')).toBeUndefined();
    const step = g.accept(entry('commit', '1', 7, 'commit', 105), '12');
    expect(step?.committed?.entries.map((e) => e.tag)).toEqual(['begin', 'row-a', 'row-b', 'commit']);
    expect(step?.committed?.gtidSequence).toBe(7n);
    expect(step?.committed?.beginOffset).toBe('10');
    expect(step?.progress).toEqual({ serverId: '1', gtidSequence: 7n, timestamp: 105_000 });
    expect(g.openTransactionOffset()).toBeUndefined();
  });

  it('keeps one open transaction per shard, so two shards may interleave, and holds at the oldest BEGIN', () => {
    const g = grouper();
    g.accept(entry('begin', '1', 7), '10');
    g.accept(entry('begin', '2', 3), '11');
    g.accept(entry('dml', '2', 3, 's2-row'), '12');
    g.accept(entry('dml', '1', 7, 's1-row'), '12');
    expect(g.metrics.openTransactions).toBe(2);
    const second = g.accept(entry('commit', '2', 3), '13');
    expect(second?.committed?.entries.map((e) => e.tag)).toEqual(['begin', 's2-row', 'commit']);
    expect(g.openTransactionOffset()).toBe('10');
    const first = g.accept(entry('commit', '1', 7), '13');
    expect(first?.committed?.entries.map((e) => e.tag)).toEqual(['begin', 's1-row', 'commit']);
  });

  it('drops a rolled-back transaction', () => {
    const g = grouper();
    g.accept(entry('begin', '1', 7), '1');
    g.accept(entry('dml', '1', 7), '1');
    expect(g.accept(entry('rollback', '1', 7), '2')).toBeUndefined();
    expect(g.metrics.rollbacks).toBe(1);
    expect(g.openTransactionOffset()).toBeUndefined();
  });

  it('reports DML and COMMIT without BEGIN as anomalies and skips them', () => {
    const anomalies: TransactionAnomaly[] = [];
    const g = grouper(anomalies);
    expect(g.accept(entry('dml', '1', 7), '5')).toBeUndefined();
    expect(g.accept(entry('commit', '1', 7), '6')).toBeUndefined();
    expect(g.accept(entry('rollback', '1', 8), '7')).toBeUndefined();
    expect(anomalies.map((a) => [a.kind, a.offset])).toEqual([
      ['dml-without-begin', '5'],
      ['commit-without-begin', '6'],
      ['rollback-without-begin', '7'],
    ]);
    expect(g.metrics.anomalies).toBe(3);
  });

  it('drops the open transaction when its COMMIT or a DML carries another GTID', () => {
    const anomalies: TransactionAnomaly[] = [];
    const g = grouper(anomalies);
    g.accept(entry('begin', '1', 7), '1');
    expect(g.accept(entry('commit', '1', 8), '2')).toBeUndefined();
    g.accept(entry('begin', '1', 9), '3');
    g.accept(entry('dml', '1', 10), '3');
    expect(g.accept(entry('commit', '1', 9), '4')).toBeUndefined();
    expect(anomalies.map((a) => [a.kind, a.openGtid])).toEqual([
      ['gtid-mismatch', 'uuid-1:7'],
      ['gtid-mismatch', 'uuid-1:9'],
      ['commit-without-begin', undefined],
    ]);
  });

  it('replaces an open transaction when a BEGIN of the same shard arrives (a redelivery restarting it)', () => {
    const anomalies: TransactionAnomaly[] = [];
    const g = grouper(anomalies);
    g.accept(entry('begin', '1', 7), '1');
    g.accept(entry('dml', '1', 7, 'first-try'), '1');
    g.accept(entry('begin', '1', 7), '4');
    g.accept(entry('dml', '1', 7, 'second-try'), '4');
    const step = g.accept(entry('commit', '1', 7), '5');
    expect(step?.committed?.entries.map((e) => e.tag)).toEqual(['begin', 'second-try', 'commit']);
    expect(step?.committed?.beginOffset).toBe('4');
    expect(anomalies.map((a) => a.kind)).toEqual(['begin-while-open']);
  });

  it('does not open a transaction whose GTID has no sequence', () => {
    const anomalies: TransactionAnomaly[] = [];
    const g = grouper(anomalies);
    g.accept({ header: { serverId: '1', gtid: 'no-sequence', timestamp: 1 }, event: { kind: 'begin' }, tag: 'b' }, '1');
    expect(g.openTransactionOffset()).toBeUndefined();
    expect(anomalies.map((a) => a.kind)).toEqual(['invalid-gtid']);
  });

  it('turns a heartbeat into progress, capped below a transaction of the shard still open here', () => {
    const g = grouper();
    expect(g.accept(entry('heartbeat', '1', 7, 'hb', 200), '1')).toEqual({
      committed: undefined,
      progress: { serverId: '1', gtidSequence: 7n, timestamp: 200_000 },
    });
    g.accept(entry('begin', '1', 8, 'begin', 150), '2');
    expect(g.accept(entry('heartbeat', '1', 9, 'hb', 210), '3')?.progress).toEqual({
      serverId: '1',
      gtidSequence: 7n,
      timestamp: 150_000,
    });
    expect(g.accept(entry('heartbeat', '2', 4, 'hb', 210), '3')?.progress?.gtidSequence).toBe(4n);
  });

  it('treats a DDL outside a transaction as progress and inside one as part of it', () => {
    const g = grouper();
    expect(g.accept(entry('ddl', '1', 5), '1')?.progress?.gtidSequence).toBe(5n);
    g.accept(entry('begin', '1', 6), '2');
    expect(g.accept(entry('ddl', '1', 6), '2')).toBeUndefined();
    expect(g.accept(entry('commit', '1', 6), '2')?.committed?.entries.map((e) => e.tag)).toEqual(['begin', 'ddl', 'commit']);
  });
});
