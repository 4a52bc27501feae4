import { parseSqlDateTime, type ChangeEvent, type ColumnValue, type Row } from 'cdc-streams';
import { SaleOrderRowError } from './sale-orders-errors.js';

export const SALE_SCHEMA = 'sale';
export const ORDERS_TABLE = 'orders';
export const PAYMENTS_TABLE = 'payments';

/**
 * The columns the lifecycle reads, per table: `cdcStream` drops the others (the `remark` JSON column,
 * which may be megabytes) before anything is repartitioned or stored.
 */
export const SALE_COLUMNS = {
  [ORDERS_TABLE]: ['order_id', 'user_id', 'sku_id', 'amount', 'status'],
  [PAYMENTS_TABLE]: ['payment_id', 'order_id', 'amount', 'channel', 'paid_at'],
} as const;

/** The `orders` columns the lifecycle reads, typed. */
export interface OrderColumns {
  readonly orderId: string;
  readonly userId: string;
  readonly skuId: string;
  readonly amount: string;
  readonly status: string;
}

/** The `payments` columns the lifecycle reads, typed; `paidAt` in epoch ms. */
export interface PaymentColumns {
  readonly paymentId: string;
  readonly orderId: string;
  readonly amount: string;
  readonly channel: string;
  readonly paidAt: number;
}

/**
 * Keeps the row changes the lifecycle uses: `sale.orders` and `sale.payments` rows that name an order.
 * Anything else (other schemas and tables, a payment row without an order) is dropped here, so an
 * unknown table never reaches code that would have to fail on it.
 */
export function isSaleOrderChange(change: ChangeEvent): boolean {
  if (change.schema !== SALE_SCHEMA) return false;
  if (change.table !== ORDERS_TABLE && change.table !== PAYMENTS_TABLE) return false;
  return isId(change.row['order_id']);
}

/** The record key: the order id as a decimal string (ids are int64, beyond a JS number's exact range). */
export function orderIdOf(change: ChangeEvent): string {
  const value = change.row['order_id'];
  if (!isId(value)) throw new SaleOrderRowError(`${change.schema}.${change.table} row at ${positionOf(change)}: order_id is ${describe(value)}, not an id`);
  return String(value);
}

export function readOrderColumns(row: Row, where: string): OrderColumns {
  return {
    orderId: id(row, 'order_id', where),
    userId: id(row, 'user_id', where),
    skuId: id(row, 'sku_id', where),
    amount: decimal(row, 'amount', where),
    status: text(row, 'status', where),
  };
}

/**
 * `paid_at` may be a TIMESTAMP (text with a zone: that instant) or a DATETIME (zone-less text: wall-clock
 * time in `sourceTimeZone`, the zone the source database writes it in).
 */
export function readPaymentColumns(row: Row, where: string, sourceTimeZone: string): PaymentColumns {
  return {
    paymentId: id(row, 'payment_id', where),
    orderId: id(row, 'order_id', where),
    amount: decimal(row, 'amount', where),
    channel: text(row, 'channel', where),
    paidAt: dateTime(row, 'paid_at', where, sourceTimeZone),
  };
}

/** `sale.orders order 19…, gtid …:42` — what error messages name. */
export function describeChange(change: ChangeEvent, orderId: string): string {
  return `${change.schema}.${change.table} row of order ${orderId} at ${positionOf(change)}`;
}

function isId(value: ColumnValue | undefined): value is bigint | number | string {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
}

function id(row: Row, column: string, where: string): string {
  const value = row[column];
  if (!isId(value)) throw new SaleOrderRowError(`${where}: column ${column} is ${describe(value)}, expected an integer id`);
  return String(value);
}

function decimal(row: Row, column: string, where: string): string {
  const value = row[column];
  if (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value)) return value;
  throw new SaleOrderRowError(`${where}: column ${column} is ${describe(value)}, expected a DECIMAL`);
}

function text(row: Row, column: string, where: string): string {
  const value = row[column];
  if (typeof value === 'string') return value;
  throw new SaleOrderRowError(`${where}: column ${column} is ${describe(value)}, expected text`);
}

function dateTime(row: Row, column: string, where: string, zone: string): number {
  const value = row[column];
  const ms = typeof value === 'string' ? parseSqlDateTime(value, zone) : undefined;
  if (ms === undefined) throw new SaleOrderRowError(`${where}: column ${column} is ${describe(value)}, expected a DATETIME or a TIMESTAMP`);
  return ms;
}

function positionOf(change: ChangeEvent): string {
  const s = change.source;
  return `server ${s.serverId} gtid ${s.gtid} ${s.fileName}:${s.position} row ${s.rowIndex}`;
}

function describe(value: ColumnValue | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'NULL';
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object') return 'a JSON value';
  return `${typeof value} ${String(value)}`;
}
