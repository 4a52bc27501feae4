import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntries, encodeEnvelope } from '../../src/index.js';
import { transactionEntries } from '../../src/sim/dts-entries.js';
import type { OrderRow } from '../../src/sim/model/sale-schema.js';
import type { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import type { OrderEventRecord } from '../../topologies/sale-orders/order-event.js';
import type { OrderState } from '../../topologies/sale-orders/order-state.js';
import { SHARD_A, T0, heartbeat, insertOrders, insertPayments, orderRow, paymentRow, txn, updateOrders } from '../sim/binlog-builder.js';
import { BinlogFeeder } from './binlog-feeder.js';
import { INPUT, readEvents, saleOrdersDriver } from './sale-orders-harness.js';

// Hand-built binlogs (one shard, 2025-11-11T00:00:00Z) through the real topology file and DTS encoding.
// Expected events are written out from docs/design.md 2.1. binlog-builder's `txn(seq, …)` puts statement i of
// transaction seq at position seq*1000 + 100*(i+1) in mysql-bin.000003, with GTID <uuid>:<seq>.
const MIN = 60;
const MS = 1000;
const DEADLINE = (T0 + 30 * MIN) * MS;
const O1 = 1_900_000_000_000_000_001n;
const O2 = 1_900_000_000_000_000_003n;
const P1 = 2_100_000_000_000_000_001n;
const P2 = 2_100_000_000_000_000_002n;

function source(seq: number, statement = 0) {
  return { serverId: '1001', gtid: `${SHARD_A.uuid}:${seq}`, file: 'mysql-bin.000003', position: seq * 1000 + 100 * (statement + 1) };
}

/** An event of order O1 (user 10000007, SKU 100001, 199.90) unless told otherwise. */
function event(fields: Pick<OrderEventRecord, 'seq' | 'type' | 'status' | 'occurredAt' | 'source'> & Partial<OrderEventRecord>): OrderEventRecord {
  return { orderId: String(O1), amount: '199.90', userId: '10000007', skuId: '100001', afterExpiry: false, late: false, payment: null, ...fields };
}

function moved(row: OrderRow, at: number, change: Partial<OrderRow>): OrderRow {
  return { ...row, ...change, version: row.version + 1, updated_at: at };
}

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

async function start(params: Record<string, string> = {}, partitions = 2): Promise<{ driver: TopologyTestDriver; feeder: BinlogFeeder }> {
  const driver = await saleOrdersDriver({ partitions, params });
  drivers.push(driver);
  return { driver, feeder: new BinlogFeeder(driver, partitions, 'table', params['inputTopic'] ?? INPUT) };
}

/** Every timer left in `payment-deadlines`, over all tasks of the lifecycle's sub-topology. */
async function timersLeft(driver: TopologyTestDriver, partitions = 2): Promise<number> {
  let count = 0;
  for (let p = 0; p < partitions; p++) count += await driver.getStore('payment-deadlines', p).approximateNumEntries();
  return count;
}

const created = event({ seq: 1, type: 'OrderCreated', status: 'CREATED', occurredAt: T0 * MS, source: source(1) });
const expired = event({ seq: 2, type: 'OrderExpired', status: 'EXPIRED', occurredAt: DEADLINE, source: source(1) });

describe('sale-orders: the payment timeout', () => {
  it('an order paid 29 minutes after creation gets OrderPaid with its payment and never expires', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const at = T0 + 29 * MIN;
    await feeder.feed(
      txn(1, T0, [insertOrders(o)]),
      txn(2, at, [updateOrders([o, moved(o, at, { status: 'PAID' })]), insertPayments(paymentRow(P1, o, at))]),
      heartbeat(T0 + 45 * MIN, 2),
    );
    expect(readEvents(driver)).toEqual([
      created,
      event({
        seq: 2,
        type: 'OrderPaid',
        status: 'PAID',
        occurredAt: at * MS,
        source: source(2),
        payment: { paymentId: String(P1), channel: 'alipay', amount: '199.90', paidAt: at * MS },
      }),
    ]);
    expect(await timersLeft(driver)).toBe(0);
  });

  it('an unpaid order expires at created + 30 min once a heartbeat moves the watermark past the deadline, not at it', async () => {
    const { driver, feeder } = await start();
    await feeder.feed(txn(1, T0, [insertOrders(orderRow(O1, T0))]), heartbeat(T0 + 30 * MIN, 1));
    // A transaction stamped with the deadline's second may still come, and would be in time.
    expect(readEvents(driver)).toEqual([created]);
    await feeder.feed(heartbeat(T0 + 30 * MIN + 1, 1));
    expect(readEvents(driver)).toEqual([expired]);
    await feeder.feed(heartbeat(T0 + 60 * MIN, 1));
    expect(readEvents(driver)).toEqual([]);
  });

  it('a payment after the deadline yields OrderExpired first, then OrderPaid flagged afterExpiry (fired by the payment itself)', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const at = T0 + 31 * MIN;
    // One heartbeat releases both transactions; the payment is handled before the watermark arrives.
    await feeder.feed(
      txn(1, T0, [insertOrders(o)]),
      txn(2, at, [updateOrders([o, moved(o, at, { status: 'PAID' })]), insertPayments(paymentRow(P1, o, at))]),
      heartbeat(at, 2),
    );
    expect(readEvents(driver)).toEqual([
      created,
      expired,
      event({
        seq: 3,
        type: 'OrderPaid',
        status: 'PAID',
        occurredAt: at * MS,
        source: source(2),
        afterExpiry: true,
        payment: { paymentId: String(P1), channel: 'alipay', amount: '199.90', paidAt: at * MS },
      }),
    ]);
  });

  it('a payment after an expiry the watermark already fired is OrderPaid flagged afterExpiry, with no second expiry', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const at = T0 + 40 * MIN;
    await feeder.feed(txn(1, T0, [insertOrders(o)]), heartbeat(T0 + 35 * MIN, 1));
    expect(readEvents(driver)).toEqual([created, expired]);
    await feeder.feed(txn(2, at, [updateOrders([o, moved(o, at, { status: 'PAID' })]), insertPayments(paymentRow(P1, o, at))]), heartbeat(at + 1, 2));
    expect(readEvents(driver)).toEqual([
      event({
        seq: 3,
        type: 'OrderPaid',
        status: 'PAID',
        occurredAt: at * MS,
        source: source(2),
        afterExpiry: true,
        payment: { paymentId: String(P1), channel: 'alipay', amount: '199.90', paidAt: at * MS },
      }),
    ]);
  });

  it('timers come back from the orders store after a restart that lost the timer store: the unpaid order expires, the paid one does not', async () => {
    const { driver, feeder } = await start();
    const o1 = orderRow(O1, T0);
    const o2 = { ...orderRow(O2, T0), user_id: 10000009n };
    const at = T0 + 10 * MIN;
    await feeder.feed(
      txn(1, T0, [insertOrders(o1, o2)]),
      txn(2, at, [updateOrders([o2, moved(o2, at, { status: 'PAID' })]), insertPayments(paymentRow(P2, o2, at))]),
      heartbeat(at + 1, 2),
    );
    expect(readEvents(driver).map((e) => `${e.orderId}:${e.type}`)).toEqual([`${O1}:OrderCreated`, `${O2}:OrderCreated`, `${O2}:OrderPaid`]);
    // In-memory stores: a restart loses every store; `orders` comes back from its changelog, the timers do not.
    await driver.restart();
    expect(await timersLeft(driver)).toBe(1);
    await feeder.feed(heartbeat(T0 + 31 * MIN, 2));
    expect(readEvents(driver)).toEqual([expired]);
    expect(await timersLeft(driver)).toBe(0);
  });

  it('a pairing timer comes back from the orders store after a restart: the OrderPaid waiting for its payment still goes out', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const at = T0 + 7 * MIN;
    await feeder.feed(txn(1, T0, [insertOrders(o)]), txn(2, at, [updateOrders([o, moved(o, at, { status: 'PAID' })])]), heartbeat(at, 2));
    expect(readEvents(driver)).toEqual([created]);
    await driver.restart();
    await feeder.feed(heartbeat(at + 1, 2));
    expect(readEvents(driver)).toEqual([event({ seq: 2, type: 'OrderPaid', status: 'PAID', occurredAt: at * MS, source: source(2) })]);
    expect(await timersLeft(driver)).toBe(0);
  });

  it('a payment or a cancel at exactly the deadline is in time: no expiry', async () => {
    const { driver, feeder } = await start();
    const o1 = orderRow(O1, T0);
    const o2 = orderRow(O2, T0, { amount: '5.00' });
    const at = T0 + 30 * MIN;
    await feeder.feed(
      txn(1, T0, [insertOrders(o1, o2)]),
      txn(2, at, [updateOrders([o1, moved(o1, at, { status: 'PAID' })]), insertPayments(paymentRow(P1, o1, at))]),
      txn(3, at, [updateOrders([o2, moved(o2, at, { status: 'CANCELLED' })])]),
      heartbeat(T0 + 90 * MIN, 3),
    );
    const events = readEvents(driver);
    expect(events.filter((e) => e.orderId === String(O1)).map((e) => [e.seq, e.type, e.afterExpiry])).toEqual([
      [1, 'OrderCreated', false],
      [2, 'OrderPaid', false],
    ]);
    expect(events.filter((e) => e.orderId === String(O2))).toEqual([
      event({ orderId: String(O2), amount: '5.00', seq: 1, type: 'OrderCreated', status: 'CREATED', occurredAt: T0 * MS, source: source(1) }),
      event({ orderId: String(O2), amount: '5.00', seq: 2, type: 'OrderCancelled', status: 'CANCELLED', occurredAt: at * MS, source: source(3) }),
    ]);
    expect(await timersLeft(driver)).toBe(0);
  });

  it('paymentTimeoutMinutes, inputTopic and outputTopic come from the parameters', async () => {
    const params = { paymentTimeoutMinutes: '15', inputTopic: 'binlog.sale', outputTopic: 'events.sale' };
    const { driver, feeder } = await start(params);
    await feeder.feed(txn(1, T0, [insertOrders(orderRow(O1, T0))]), heartbeat(T0 + 15 * MIN + 1, 1));
    expect(readEvents(driver, 'events.sale')).toEqual([created, { ...expired, occurredAt: (T0 + 15 * MIN) * MS }]);
  });
});

describe('sale-orders: the lifecycle rules', () => {
  it('a remark-only UPDATE emits nothing and leaves no gap in seq', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const edited = moved(o, T0 + 5 * MIN, { remark: '{"note":"gift wrap"}' });
    const at = T0 + 10 * MIN;
    await feeder.feed(txn(1, T0, [insertOrders(o)]), txn(2, T0 + 5 * MIN, [updateOrders([o, edited])]), heartbeat(T0 + 6 * MIN, 2));
    expect(readEvents(driver)).toEqual([created]);
    await feeder.feed(
      txn(3, at, [updateOrders([edited, moved(edited, at, { status: 'PAID' })]), insertPayments(paymentRow(P1, o, at))]),
      heartbeat(at + 1, 3),
    );
    expect(readEvents(driver).map((e) => [e.seq, e.type, e.source.gtid])).toEqual([[2, 'OrderPaid', `${SHARD_A.uuid}:3`]]);
  });

  it('rolled-back transactions emit nothing: a lost INSERT race and a failed payment callback', async () => {
    const { driver, feeder } = await start();
    const lost = orderRow(O2, T0);
    const o = orderRow(O1, T0);
    const at = T0 + 3 * MIN;
    const paid = moved(o, at, { status: 'PAID' });
    await feeder.feed(
      txn(1, T0, [insertOrders(lost)], { outcome: 'rollback' }),
      txn(2, T0, [insertOrders(o)]),
      txn(3, at, [updateOrders([o, paid]), insertPayments(paymentRow(P1, o, at))], { outcome: 'rollback' }),
      txn(4, at, [updateOrders([o, paid]), insertPayments(paymentRow(P2, o, at))]),
      heartbeat(T0 + 40 * MIN, 4),
    );
    expect(readEvents(driver)).toEqual([
      event({ seq: 1, type: 'OrderCreated', status: 'CREATED', occurredAt: T0 * MS, source: source(2) }),
      event({
        seq: 2,
        type: 'OrderPaid',
        status: 'PAID',
        occurredAt: at * MS,
        source: source(4),
        payment: { paymentId: String(P2), channel: 'alipay', amount: '199.90', paidAt: at * MS },
      }),
    ]);
  });

  it('pairs OrderPaid with the payments row written before the UPDATE in the same transaction', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const at = T0 + 2 * MIN;
    await feeder.feed(
      txn(1, T0, [insertOrders(o)]),
      txn(2, at, [insertPayments(paymentRow(P1, o, at)), updateOrders([o, moved(o, at, { status: 'PAID' })])]),
      heartbeat(at + 1, 2),
    );
    expect(readEvents(driver)).toEqual([
      created,
      event({
        seq: 2,
        type: 'OrderPaid',
        status: 'PAID',
        occurredAt: at * MS,
        source: source(2, 1),
        payment: { paymentId: String(P1), channel: 'alipay', amount: '199.90', paidAt: at * MS },
      }),
    ]);
  });

  it('two orders paid in one transaction each get their own payments row', async () => {
    const { driver, feeder } = await start({}, 3);
    const o1 = orderRow(O1, T0);
    const o2 = orderRow(O2, T0, { amount: '5.00' });
    const at = T0 + 4 * MIN;
    await feeder.feed(
      txn(1, T0, [insertOrders(o1, o2)]),
      txn(2, at, [
        updateOrders([o1, moved(o1, at, { status: 'PAID' })], [o2, moved(o2, at, { status: 'PAID' })]),
        insertPayments(paymentRow(P1, o1, at), paymentRow(P2, o2, at)),
      ]),
      heartbeat(at + 1, 2),
    );
    const paid = readEvents(driver).filter((e) => e.type === 'OrderPaid');
    expect(paid.map((e) => [e.orderId, e.seq, e.payment?.paymentId, e.payment?.amount])).toEqual(
      expect.arrayContaining([
        [String(O1), 2, String(P1), '199.90'],
        [String(O2), 2, String(P2), '5.00'],
      ]),
    );
    expect(paid).toHaveLength(2);
  });

  it('an UPDATE to PAID without a payments row is emitted with payment null once the watermark passes its second', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const at = T0 + 7 * MIN;
    await feeder.feed(txn(1, T0, [insertOrders(o)]), txn(2, at, [updateOrders([o, moved(o, at, { status: 'PAID' })])]), heartbeat(at, 2));
    // The transaction's payment could still be on its way: a row of the same second may yet come.
    expect(readEvents(driver)).toEqual([created]);
    await feeder.feed(heartbeat(at + 1, 2));
    expect(readEvents(driver)).toEqual([event({ seq: 2, type: 'OrderPaid', status: 'PAID', occurredAt: at * MS, source: source(2) })]);
    expect(await timersLeft(driver)).toBe(0);
  });

  it('shipping, refunding and the store: events follow status changes, and the orders store holds readable JSON', async () => {
    const { driver, feeder } = await start();
    const o = orderRow(O1, T0);
    const paid = moved(o, T0 + 60, { status: 'PAID' });
    const shipped = moved(paid, T0 + 600, { status: 'SHIPPED' });
    const refunded = moved(shipped, T0 + 900, { status: 'REFUNDED' });
    await feeder.feed(
      txn(1, T0, [insertOrders(o)]),
      txn(2, T0 + 60, [updateOrders([o, paid]), insertPayments(paymentRow(P1, o, T0 + 60))]),
      txn(3, T0 + 600, [updateOrders([paid, shipped])]),
      txn(4, T0 + 900, [updateOrders([shipped, refunded])]),
      heartbeat(T0 + 50 * MIN, 4),
    );
    expect(readEvents(driver).map((e) => [e.seq, e.type, e.status, e.occurredAt])).toEqual([
      [1, 'OrderCreated', 'CREATED', T0 * MS],
      [2, 'OrderPaid', 'PAID', (T0 + 60) * MS],
      [3, 'OrderShipped', 'SHIPPED', (T0 + 600) * MS],
      [4, 'OrderRefunded', 'REFUNDED', (T0 + 900) * MS],
    ]);
    const states = await Promise.all([0, 1].map((p) => driver.getStore<string, OrderState>('orders', p).get(String(O1))));
    const state = states.find((s) => s !== undefined);
    expect(state).toEqual({
      orderId: String(O1),
      status: 'REFUNDED',
      rowStatus: 'REFUNDED',
      seq: 4,
      createdAt: T0 * MS,
      deadline: null,
      expired: false,
      creation: { amount: '199.90', userId: '10000007', skuId: '100001', source: source(1) },
      lastChangeAt: (T0 + 900) * MS,
      pendingPaid: null,
      transactionPayment: null,
    });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('rows of other tables and schemas are filtered out, never a crash', async () => {
    const { driver, feeder } = await start({}, 1);
    const entries = transactionEntries(txn(1, T0, [insertOrders(orderRow(O1, T0)), insertOrders(orderRow(O2, T0)), insertOrders(orderRow(O2 + 2n, T0))]), seqIds());
    // Same rows, other names: an audit table in `sale` and an `orders` table of another schema.
    const renamed = entries.map((e, i) =>
      i === 2 ? { ...e, header: { ...e.header, tableName: 'order_audit' } } : i === 3 ? { ...e, header: { ...e.header, schemaName: 'crm' } } : e,
    );
    const value = encodeEnvelope({ version: 1, total: 1, index: 0, data: encodeEntries(renamed), properties: [] });
    await driver.pipeRawInput(INPUT, null, value, { partition: 0, timestamp: T0 * MS });
    await feeder.feed(heartbeat(T0 + 60, 1));
    expect(readEvents(driver)).toEqual([created]);
  });
});

describe('sale-orders: zone-less DATETIME columns', () => {
  it("reads a DTS DATETIME paid_at (no zone) in sourceTimeZone, so the payment's instant is right", async () => {
    const { driver, feeder } = await start({ sourceTimeZone: 'Asia/Shanghai' }, 1);
    const o = orderRow(O1, T0);
    const at = T0 + 29 * MIN;
    const entries = transactionEntries(txn(1, T0, [insertOrders(o)]), seqIds()).concat(
      transactionEntries(txn(2, at, [updateOrders([o, moved(o, at, { status: 'PAID' })]), insertPayments(paymentRow(P1, o, at))]), seqIds()),
    );
    // paid_at as a DATETIME column arrives: the Shanghai wall clock of the instant, no zone (UTC+8).
    const shanghai = Buffer.from('2025-11-11 08:29:00', 'utf8');
    const datetime = entries.map((e) => {
      if (e.event.kind !== 'dml' || e.header.tableName !== 'payments') return e;
      const index = e.event.columns.findIndex((c) => c.name === 'paid_at');
      const rows = e.event.rows.map((r) => ({ ...r, newColumns: r.newColumns.map((d, i) => (i === index ? { ...d, bv: shanghai } : d)) }));
      return { ...e, event: { ...e.event, columns: e.event.columns.map((c, i) => (i === index ? { ...c, originalType: 'datetime' } : c)), rows } };
    });
    await driver.pipeRawInput(INPUT, null, encodeEnvelope({ version: 1, total: 1, index: 0, data: encodeEntries(datetime), properties: [] }), { partition: 0, timestamp: T0 * MS });
    await feeder.feed(heartbeat(T0 + 45 * MIN, 2));
    const paid = readEvents(driver).find((e) => e.type === 'OrderPaid');
    expect(paid?.payment).toEqual({ paymentId: String(P1), channel: 'alipay', amount: '199.90', paidAt: at * MS });
  });
});

function seqIds(): () => bigint {
  let next = 0n;
  return () => ++next;
}
