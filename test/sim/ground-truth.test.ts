import { describe, expect, it } from 'vitest';
import type { ExpectedEvent, ExpectedOrder } from '../../src/sim/expected-event.js';
import { groundTruthOf } from '../../src/sim/ground-truth.js';
import type { BinlogItem } from '../../src/sim/model/binlog.js';
import { MIN, T0, heartbeat, insertOrders, insertPayments, orderRow, paymentRow, txn, updateOrders } from './binlog-builder.js';

const TIMEOUT = 30 * MIN;
// Above 2^53: a lossy conversion anywhere would change it.
const ORDER = 9_007_199_254_740_993n;
const GTID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';

function truth(items: BinlogItem[]): ExpectedOrder[] {
  return [...groundTruthOf(items, TIMEOUT)];
}

/** The fields every event of the test order shares, written out by hand. */
function event(fields: Partial<ExpectedEvent> & Pick<ExpectedEvent, 'seq' | 'type' | 'status' | 'occurredAt' | 'source'>): ExpectedEvent {
  return {
    orderId: '9007199254740993',
    amount: '199.90',
    userId: '10000007',
    skuId: '100001',
    afterExpiry: false,
    late: false,
    payment: null,
    ...fields,
  };
}

const created = event({
  seq: 1,
  type: 'OrderCreated',
  status: 'CREATED',
  occurredAt: 1_762_819_200_000,
  source: { serverId: '1001', gtid: `${GTID}:1`, file: 'mysql-bin.000003', position: '1100' },
});

describe('groundTruthOf', () => {
  const row = orderRow(ORDER, T0);
  const insert = txn(1, T0, [insertOrders(row)]);
  const pay = (seq: number, at: number): BinlogItem => {
    const paid = { ...row, status: 'PAID' as const, version: 2, updated_at: at };
    return txn(seq, at, [updateOrders([row, paid]), insertPayments(paymentRow(2_100_000_000_000_000_001n, row, at))]);
  };

  it('an order paid at 29 minutes does not expire', () => {
    expect(truth([insert, pay(2, T0 + 29 * MIN)])).toEqual([
      {
        orderId: '9007199254740993',
        events: [
          created,
          event({
            seq: 2,
            type: 'OrderPaid',
            status: 'PAID',
            occurredAt: 1_762_820_940_000,
            payment: { paymentId: '2100000000000000001', channel: 'alipay', amount: '199.90', paidAt: 1_762_820_940_000 },
            source: { serverId: '1001', gtid: `${GTID}:2`, file: 'mysql-bin.000003', position: '2100' },
          }),
        ],
      },
    ]);
  });

  it('an order paid at exactly 30 minutes does not expire (at or before the deadline)', () => {
    const events = truth([insert, pay(2, T0 + 30 * MIN)])[0]?.events ?? [];
    expect(events.map((e) => e.type)).toEqual(['OrderCreated', 'OrderPaid']);
  });

  it('an unpaid order expires at created + 30 minutes with the creating row as source', () => {
    expect(truth([insert, heartbeat(T0 + 31 * MIN, 1)])).toEqual([
      {
        orderId: '9007199254740993',
        events: [
          created,
          event({
            seq: 2,
            type: 'OrderExpired',
            status: 'EXPIRED',
            occurredAt: 1_762_821_000_000,
            source: { serverId: '1001', gtid: `${GTID}:1`, file: 'mysql-bin.000003', position: '1100' },
          }),
        ],
      },
    ]);
  });

  it('a payment after the deadline gives OrderExpired, then OrderPaid flagged afterExpiry', () => {
    const events = truth([insert, pay(2, T0 + 31 * MIN)])[0]?.events ?? [];
    expect(events.map((e) => [e.seq, e.type, e.occurredAt, e.afterExpiry])).toEqual([
      [1, 'OrderCreated', 1_762_819_200_000, false],
      [2, 'OrderExpired', 1_762_821_000_000, false],
      [3, 'OrderPaid', 1_762_821_060_000, true],
    ]);
  });

  it('a remark-only update emits nothing', () => {
    const edited = { ...row, version: 2, remark: '{"note":"leave at door"}', updated_at: T0 + 60 };
    const paid = { ...edited, status: 'PAID' as const, version: 3, updated_at: T0 + 120 };
    const items = [
      insert,
      txn(2, T0 + 60, [updateOrders([row, edited])]),
      txn(3, T0 + 120, [updateOrders([edited, paid]), insertPayments(paymentRow(5n, row, T0 + 120))]),
    ];
    const events = truth(items)[0]?.events ?? [];
    expect(events.map((e) => [e.seq, e.type, e.source.gtid])).toEqual([
      [1, 'OrderCreated', `${GTID}:1`],
      [2, 'OrderPaid', `${GTID}:3`],
    ]);
  });

  it('a rolled-back transaction never reaches the ground truth', () => {
    const rolledBackInsert = txn(1, T0, [insertOrders(orderRow(42n, T0))], { outcome: 'rollback' });
    expect(truth([rolledBackInsert])).toEqual([]);
    const rolledBackPay = { ...(pay(2, T0 + 60) as ReturnType<typeof txn>), outcome: 'rollback' as const };
    const events = truth([insert, rolledBackPay])[0]?.events ?? [];
    expect(events.map((e) => e.type)).toEqual(['OrderCreated', 'OrderExpired']);
  });

  it('a cancel after the deadline follows OrderExpired and is not flagged', () => {
    const cancelled = { ...row, status: 'CANCELLED' as const, version: 2, updated_at: T0 + 31 * MIN };
    const events = truth([insert, txn(2, T0 + 31 * MIN, [updateOrders([row, cancelled])])])[0]?.events ?? [];
    expect(events.map((e) => [e.seq, e.type, e.status, e.afterExpiry])).toEqual([
      [1, 'OrderCreated', 'CREATED', false],
      [2, 'OrderExpired', 'EXPIRED', false],
      [3, 'OrderCancelled', 'CANCELLED', false],
    ]);
  });

  it('OrderExpired goes before a later shipment and after nothing that happened in time', () => {
    const edited = { ...row, version: 2, remark: '{}', updated_at: T0 + 10 * MIN };
    const paid = { ...edited, status: 'PAID' as const, version: 3, updated_at: T0 + 40 * MIN };
    const shipped = { ...paid, status: 'SHIPPED' as const, version: 4, updated_at: T0 + 50 * MIN };
    const items = [
      insert,
      txn(2, T0 + 10 * MIN, [updateOrders([row, edited])]),
      txn(3, T0 + 40 * MIN, [updateOrders([edited, paid]), insertPayments(paymentRow(7n, row, T0 + 40 * MIN))]),
      txn(4, T0 + 50 * MIN, [updateOrders([paid, shipped])]),
    ];
    expect((truth(items)[0]?.events ?? []).map((e) => [e.seq, e.type, e.afterExpiry])).toEqual([
      [1, 'OrderCreated', false],
      [2, 'OrderExpired', false],
      [3, 'OrderPaid', true],
      [4, 'OrderShipped', false],
    ]);
  });

  it('orders paid together each carry their own payments row', () => {
    const a = orderRow(11n, T0);
    const b = orderRow(12n, T0, { amount: '5.00' });
    const at = T0 + 5 * MIN;
    const items = [
      txn(1, T0, [insertOrders(a, b)]),
      txn(2, at, [
        updateOrders([a, { ...a, status: 'PAID', version: 2 }], [b, { ...b, status: 'PAID', version: 2 }]),
        insertPayments(paymentRow(901n, a, at), paymentRow(902n, b, at)),
      ]),
    ];
    const paid = truth(items).map((o) => [o.orderId, o.events[1]?.payment?.paymentId, o.events[1]?.payment?.amount]);
    expect(paid).toEqual([
      ['11', '901', '199.90'],
      ['12', '902', '5.00'],
    ]);
  });

  it('yields an order as soon as its transaction marks it finished', () => {
    const gen = groundTruthOf([txn(1, T0, [insertOrders(row)], { finished: [ORDER] }), txn(2, T0 + 1, [insertOrders(orderRow(3n, T0 + 1))])], TIMEOUT);
    expect(gen.next().value?.orderId).toBe('9007199254740993');
  });
});
