import { describe, expect, it } from 'vitest';
import type { ChangeEvent, Row } from '../../../src/index.js';
import { SaleOrderRowError } from '../../../topologies/sale-orders/sale-orders-errors.js';
import { isSaleOrderChange, orderIdOf, readOrderColumns, readPaymentColumns } from '../../../topologies/sale-orders/sale-rows.js';

function change(schema: string, table: string, row: Row): ChangeEvent {
  return {
    schema,
    table,
    op: 'insert',
    before: undefined,
    after: row,
    row,
    keyColumns: ['order_id'],
    source: {
      serverId: '1001',
      gtid: 'u:7',
      gtidSequence: 7n,
      fileName: 'mysql-bin.000001',
      position: 400n,
      rowIndex: 0,
      timestamp: 0,
      transactionId: undefined,
      indexInTransaction: 0,
      partition: 0,
      offset: '0',
    },
  };
}

describe('isSaleOrderChange and orderIdOf', () => {
  it('keeps sale.orders and sale.payments rows that name an order', () => {
    expect(isSaleOrderChange(change('sale', 'orders', { order_id: 1_900_000_000_000_000_001n }))).toBe(true);
    expect(isSaleOrderChange(change('sale', 'payments', { order_id: 5n, payment_id: 9n }))).toBe(true);
  });

  it('drops other tables, other schemas and payment rows without an order', () => {
    expect(isSaleOrderChange(change('sale', 'order_audit', { order_id: 5n }))).toBe(false);
    expect(isSaleOrderChange(change('crm', 'orders', { order_id: 5n }))).toBe(false);
    expect(isSaleOrderChange(change('sale', 'payments', { order_id: null, payment_id: 9n }))).toBe(false);
  });

  it('keys by the exact decimal order id, beyond 2^53', () => {
    expect(orderIdOf(change('sale', 'orders', { order_id: 1_900_000_000_000_000_001n }))).toBe('1900000000000000001');
  });
});

describe('readOrderColumns and readPaymentColumns', () => {
  const order: Row = { order_id: 11n, user_id: 10_000_007n, sku_id: 100_001n, amount: '199.90', status: 'PAID', remark: null };

  it('reads ids as decimal strings, amounts as exact decimals and paid_at as epoch ms', () => {
    expect(readOrderColumns(order, 'here')).toEqual({ orderId: '11', userId: '10000007', skuId: '100001', amount: '199.90', status: 'PAID' });
    expect(
      readPaymentColumns({ payment_id: 21n, order_id: 11n, amount: '199.90', channel: 'wechat', paid_at: '2025-11-11 00:29:00 +00:00' }, 'here', 'Asia/Shanghai'),
    ).toEqual({ paymentId: '21', orderId: '11', amount: '199.90', channel: 'wechat', paidAt: 1_762_820_940_000 });
  });

  it('reads a zone-less DATETIME paid_at as wall-clock time in the source zone', () => {
    const payment = { payment_id: 21n, order_id: 11n, amount: '199.90', channel: 'wechat', paid_at: '2025-11-11 08:29:00' };
    expect(readPaymentColumns(payment, 'here', 'Asia/Shanghai').paidAt).toBe(1_762_820_940_000);
    expect(readPaymentColumns({ ...payment, paid_at: '2025-11-11 00:29:00' }, 'here', 'UTC').paidAt).toBe(1_762_820_940_000);
  });

  it('names the row and the column that is missing or mistyped', () => {
    const { status: _status, ...noStatus } = order;
    expect(() => readOrderColumns(noStatus, 'sale.orders row of order 11')).toThrow(SaleOrderRowError);
    expect(() => readOrderColumns(noStatus, 'sale.orders row of order 11')).toThrow('sale.orders row of order 11: column status is missing, expected text');
    expect(() => readOrderColumns({ ...order, amount: 199.9 }, 'row')).toThrow('column amount is number 199.9, expected a DECIMAL');
    expect(() =>
      readPaymentColumns({ payment_id: 21n, order_id: 11n, amount: '1.00', channel: 'card', paid_at: '2025-11-11 25:29:00' }, 'row', 'UTC'),
    ).toThrow("column paid_at is '2025-11-11 25:29:00', expected a DATETIME or a TIMESTAMP");
  });
});
