import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';
import type { DebeziumItem } from '../../../src/cdc/formats/debezium-item.js';
import { DebeziumTransactionTracker } from '../../../src/cdc/transactions/debezium-transaction-tracker.js';

const SHARD = 'dbz';

function row(seq: number, table: string, dataCollectionOrder: number, position = seq * 100): DebeziumItem {
  const event: ChangeEvent = {
    schema: 'sale',
    table,
    op: 'insert',
    before: undefined,
    after: { id: seq },
    row: { id: seq },
    keyColumns: ['id'],
    source: {
      serverId: SHARD,
      gtid: `0-1-${seq}`,
      gtidSequence: BigInt(seq),
      fileName: 'binlog.000001',
      position: BigInt(position),
      rowIndex: 0,
      timestamp: seq * 1000,
      transactionId: `0-1-${seq}`,
      indexInTransaction: 0,
      partition: 0,
      offset: '0',
    },
  };
  return { kind: 'change', event, dataCollection: `sale.${table}`, transaction: { id: `0-1-${seq}`, totalOrder: dataCollectionOrder, dataCollectionOrder } };
}

const begin = (seq: number): DebeziumItem => ({ kind: 'marker', shard: SHARD, marker: { status: 'BEGIN', id: `0-1-${seq}`, eventCount: undefined, dataCollections: [], timestamp: 0 } });
const end = (seq: number, counts: Record<string, number>, timestamp = seq * 1000 + 500): DebeziumItem => ({
  kind: 'marker',
  shard: SHARD,
  marker: {
    status: 'END',
    id: `0-1-${seq}`,
    eventCount: Object.values(counts).reduce((a, b) => a + b, 0),
    dataCollections: Object.entries(counts).map(([dataCollection, eventCount]) => ({ dataCollection, eventCount })),
    timestamp,
  },
});

function tracker(): { accept: (item: DebeziumItem) => ReturnType<DebeziumTransactionTracker['accept']>; t: DebeziumTransactionTracker } {
  const t = new DebeziumTransactionTracker({ dataCollections: new Set(['sale.orders', 'sale.payments']) });
  let offset = 0;
  return { t, accept: (item) => t.accept(item, String(offset++)) };
}

describe('DebeziumTransactionTracker', () => {
  it("passes rows on at once and moves the shard's progress when END's per-table counts are met", () => {
    const { accept } = tracker();
    expect(accept(begin(5)).progress).toBeUndefined();
    const first = accept(row(5, 'orders', 1));
    expect(first.events).toHaveLength(1);
    expect(first.progress).toBeUndefined();
    expect(accept(end(5, { 'sale.orders': 1, 'sale.payments': 1 })).progress).toBeUndefined();
    expect(accept(row(5, 'payments', 1)).progress).toEqual({ serverId: SHARD, gtidSequence: 5n, timestamp: 5500 });
  });

  it('takes rows that come before their BEGIN, and counts a repeated row once', () => {
    const { accept } = tracker();
    accept(row(7, 'orders', 1));
    accept(row(7, 'orders', 1));
    accept(begin(7));
    expect(accept(end(7, { 'sale.orders': 2 })).progress).toBeUndefined();
    expect(accept(row(7, 'orders', 2)).progress).toEqual({ serverId: SHARD, gtidSequence: 7n, timestamp: 7500 });
  });

  it('does not wait for tables it does not read, so a transaction of other tables only moves time', () => {
    const { accept } = tracker();
    accept(begin(3));
    accept(row(3, 'orders', 1));
    accept(end(3, { 'sale.orders': 1 }));
    accept(begin(4));
    expect(accept(end(4, { 'sale.heartbeat': 1 }, 9000)).progress).toEqual({ serverId: SHARD, gtidSequence: 4n, timestamp: 9000 });
  });

  it('announces nothing past an incomplete transaction, and holds the offset of its first record', () => {
    const { accept, t } = tracker();
    accept(begin(1)); // offset 0
    accept(end(1, { 'sale.orders': 1 })); // its row has not come
    accept(begin(2));
    accept(row(2, 'orders', 1));
    expect(accept(end(2, { 'sale.orders': 1 })).progress).toBeUndefined();
    expect(t.heldOffset()).toBe('0');
    expect(accept(row(1, 'orders', 1)).progress).toEqual({ serverId: SHARD, gtidSequence: 2n, timestamp: 2500 });
    expect(t.heldOffset()).toBeUndefined();
  });

  it('passes on a redelivered row of a transaction already passed, without tracking it', () => {
    const { accept, t } = tracker();
    accept(begin(1));
    accept(row(1, 'orders', 1));
    accept(end(1, { 'sale.orders': 1 }));
    expect(accept(row(1, 'orders', 1)).events).toHaveLength(1);
    expect(t.metrics.redeliveredRows).toBe(1);
    expect(t.heldOffset()).toBeUndefined();
  });

  it('counts heartbeats but moves nothing: they carry the connector wall clock, not a binlog position', () => {
    const { accept, t } = tracker();
    expect(accept({ kind: 'heartbeat', shard: SHARD, timestamp: 123 })).toEqual({ events: [], progress: undefined });
    expect(t.metrics).toMatchObject({ heartbeats: 1, lastHeartbeatMs: 123 });
  });
});
