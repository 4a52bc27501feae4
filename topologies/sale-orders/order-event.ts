import type { ChangeEvent } from 'cdc-streams';
import { SaleOrderRowError } from './sale-orders-errors.js';
import type { OrderColumns, PaymentColumns } from './sale-rows.js';

// The vocabulary of `sale.order-events`, the enums of schemas/order-event.avsc. The topology states its
// own output here; the simulator's ground truth (src/sim/expected-event.ts) states what it expects on
// its own, so the verifier does not borrow the definitions of the code it checks.
export const ORDER_EVENT_TYPES = ['OrderCreated', 'OrderPaid', 'OrderShipped', 'OrderCancelled', 'OrderRefunded', 'OrderExpired'] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** The order's status after the event; EXPIRED only on OrderExpired (the row itself still says CREATED). */
export const ORDER_EVENT_STATUSES = ['CREATED', 'PAID', 'SHIPPED', 'CANCELLED', 'REFUNDED', 'EXPIRED'] as const;
export type OrderEventStatus = (typeof ORDER_EVENT_STATUSES)[number];

/** The event a row's move to a status produces. */
export const EVENT_TYPE_OF_STATUS = {
  CREATED: 'OrderCreated',
  PAID: 'OrderPaid',
  SHIPPED: 'OrderShipped',
  CANCELLED: 'OrderCancelled',
  REFUNDED: 'OrderRefunded',
} as const satisfies Record<Exclude<OrderEventStatus, 'EXPIRED'>, OrderEventType>;

/** `sale.SourceCoordinates`: the `orders` row change an event came from. */
export interface SourceCoordinates {
  readonly serverId: string;
  readonly gtid: string;
  readonly file: string;
  readonly position: number;
}

/** `sale.Payment`: the payments row of the transaction that paid the order. */
export interface PaymentRecord {
  readonly paymentId: string;
  readonly channel: string;
  readonly amount: string;
  readonly paidAt: number;
}

/**
 * One value of `sale.order-events`, shaped as `schemas/order-event.avsc` (Avro long = number,
 * decimal = exact string, timestamp-millis = epoch ms). Field for field it is the simulator's
 * ExpectedEvent, with the binlog position a number instead of a decimal string.
 */
export interface OrderEventRecord {
  readonly orderId: string;
  readonly seq: number;
  readonly type: OrderEventType;
  readonly status: OrderEventStatus;
  readonly amount: string;
  readonly userId: string;
  readonly skuId: string;
  readonly occurredAt: number;
  readonly afterExpiry: boolean;
  readonly late: boolean;
  readonly payment: PaymentRecord | null;
  readonly source: SourceCoordinates;
}

/** An event before it gets its place in the order's sequence. */
export type UnnumberedEvent = Omit<OrderEventRecord, 'seq'>;

/** The statuses an `orders` row can move to; EXPIRED exists only in events. */
export type RowStatus = Exclude<OrderEventStatus, 'EXPIRED'>;

export function isRowStatus(value: string): value is RowStatus {
  return value !== 'EXPIRED' && (ORDER_EVENT_STATUSES as readonly string[]).includes(value);
}

export function sourceCoordinatesOf(change: ChangeEvent): SourceCoordinates {
  const { serverId, gtid, fileName, position } = change.source;
  if (position > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SaleOrderRowError(`${change.table} row at server ${serverId} gtid ${gtid}: binlog position ${position} does not fit an exact Avro long here`);
  }
  return { serverId, gtid, file: fileName, position: Number(position) };
}

export function paymentRecordOf(payment: PaymentColumns): PaymentRecord {
  return { paymentId: payment.paymentId, channel: payment.channel, amount: payment.amount, paidAt: payment.paidAt };
}

/**
 * The event an `orders` row image in `status` produces (DESIGN 2.1): OrderCreated for an INSERT,
 * the new status's event for a status change. `payment` is filled in by the caller once the
 * transaction's payments row is known.
 */
export function rowEvent(
  row: OrderColumns,
  status: RowStatus,
  at: { readonly occurredAt: number; readonly source: SourceCoordinates; readonly late: boolean; readonly afterExpiry: boolean },
): UnnumberedEvent {
  return {
    orderId: row.orderId,
    type: EVENT_TYPE_OF_STATUS[status],
    status,
    amount: row.amount,
    userId: row.userId,
    skuId: row.skuId,
    occurredAt: at.occurredAt,
    afterExpiry: at.afterExpiry,
    late: at.late,
    payment: null,
    source: at.source,
  };
}

/** What an order was created with; OrderExpired repeats it (DESIGN 2.1, the simulator's ground truth). */
export interface Creation {
  readonly amount: string;
  readonly userId: string;
  readonly skuId: string;
  readonly source: SourceCoordinates;
}

/** OrderExpired at the deadline: the creating INSERT's amount, user, SKU and source; no payment. */
export function expiredEvent(orderId: string, creation: Creation, deadline: number, late: boolean): UnnumberedEvent {
  return {
    orderId,
    type: 'OrderExpired',
    status: 'EXPIRED',
    amount: creation.amount,
    userId: creation.userId,
    skuId: creation.skuId,
    occurredAt: deadline,
    afterExpiry: false,
    late,
    payment: null,
    source: creation.source,
  };
}
