import { jsonSerde, type Serde } from 'cdc-streams';
import type { Creation, OrderEventStatus, PaymentRecord, UnnumberedEvent } from './order-event.js';

/** Store names; `orders` is the one to query. */
export const ORDERS_STORE = 'orders';
export const PAYMENT_DEADLINES_STORE = 'payment-deadlines';

/**
 * One order as the `orders` store holds it, keyed by order id: readable JSON, so `query` and
 * interactive queries show it as is. Everything the next event of the order needs is here; the
 * processor keeps nothing about orders in memory.
 */
export interface OrderState {
  readonly orderId: string;
  /** The status of the last event emitted (EXPIRED after OrderExpired). */
  status: OrderEventStatus;
  /** `orders.status` as the table last said; a remark edit leaves it. */
  rowStatus: string;
  /** `seq` of the last event emitted: the next one gets seq + 1. */
  seq: number;
  /** Event time of the creating INSERT (ms); null for an order first seen by an UPDATE. */
  createdAt: number | null;
  /** The open payment deadline (ms); null once paid or cancelled in time, expired, or never known. */
  deadline: number | null;
  expired: boolean;
  /** What OrderExpired repeats; null for an order first seen by an UPDATE. */
  creation: Creation | null;
  /** Event time of the last row change applied (ms). */
  lastChangeAt: number;
  /** An OrderPaid waiting for the payments row of its own transaction (see order-lifecycle-processor.ts). */
  pendingPaid: PendingPaid | null;
  /** A payments row that came before its transaction's UPDATE to PAID. */
  transactionPayment: TransactionPayment | null;
}

export interface PendingPaid {
  readonly gtid: string;
  readonly event: UnnumberedEvent;
}

export interface TransactionPayment {
  readonly gtid: string;
  readonly payment: PaymentRecord;
  readonly late: boolean;
}

export const orderStateSerde: Serde<OrderState> = jsonSerde<OrderState>();

/** Timers in `payment-deadlines`: the payment timeout, and the flush of an OrderPaid left without its payment. */
export interface OrderTimer {
  readonly kind: 'payment-deadline' | 'pairing';
  readonly orderId: string;
}

export const orderTimerSerde: Serde<OrderTimer> = jsonSerde<OrderTimer>();

/** The timer's key in the store: kind and order, so an order's two timers never collide at one due time. */
export function timerKeyOf(timer: OrderTimer): string {
  return `${timer.kind}/${timer.orderId}`;
}
