import { describe, expect, it } from 'vitest';
import { createTopologyEnvironment } from '../../../src/index.js';
import {
  expiredEvent,
  isRowStatus,
  rowEvent,
  type OrderEventRecord,
} from '../../../topologies/sale-orders/order-event.js';

const source = { serverId: '1001', gtid: 'u:3', file: 'mysql-bin.000002', position: 4711 };
const row = { orderId: '1900000000000000001', userId: '10000007', skuId: '100001', amount: '59.95', status: 'SHIPPED' };

describe('order event mapping', () => {
  it('names a status change after the new status, with the row’s fields and no payment', () => {
    expect(rowEvent(row, 'SHIPPED', { occurredAt: 5000, source, late: false, afterExpiry: false })).toEqual({
      orderId: '1900000000000000001',
      type: 'OrderShipped',
      status: 'SHIPPED',
      amount: '59.95',
      userId: '10000007',
      skuId: '100001',
      occurredAt: 5000,
      afterExpiry: false,
      late: false,
      payment: null,
      source,
    });
    expect(rowEvent(row, 'REFUNDED', { occurredAt: 1, source, late: true, afterExpiry: false })).toMatchObject({ type: 'OrderRefunded', late: true });
  });

  it('OrderExpired repeats the creation and happens at the deadline, status EXPIRED', () => {
    const creation = { amount: '5.00', userId: '7', skuId: '9', source };
    expect(expiredEvent('42', creation, 1_800_000, false)).toEqual({
      orderId: '42',
      type: 'OrderExpired',
      status: 'EXPIRED',
      amount: '5.00',
      userId: '7',
      skuId: '9',
      occurredAt: 1_800_000,
      afterExpiry: false,
      late: false,
      payment: null,
      source,
    });
  });

  it('only the statuses an orders row can have are row statuses', () => {
    expect(['CREATED', 'PAID', 'SHIPPED', 'CANCELLED', 'REFUNDED'].every(isRowStatus)).toBe(true);
    expect(isRowStatus('EXPIRED')).toBe(false);
    expect(isRowStatus('ON_HOLD')).toBe(false);
  });
});

describe('schemas/order-event.avsc', () => {
  it('round-trips an OrderPaid with int64 ids as strings, an exact decimal and a payment', async () => {
    const serde = (await createTopologyEnvironment()).avro<OrderEventRecord>('order-event');
    const paid: OrderEventRecord = {
      ...rowEvent({ ...row, status: 'PAID' }, 'PAID', { occurredAt: 1_762_820_940_000, source, late: false, afterExpiry: true }),
      seq: 3,
      payment: { paymentId: '2100000000000000001', channel: 'alipay', amount: '59.95', paidAt: 1_762_820_940_000 },
    };
    const context = { topic: 'sale.order-events' };
    expect(serde.deserialize(serde.serialize(paid, context), context)).toEqual(paid);
  });
});
