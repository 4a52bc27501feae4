/**
 * The order event of `sale.order-events` (docs/design.md section 2) as the simulator expects it and the
 * verifier compares it. The lifecycle processor produces exactly this shape. Int64 values (ids,
 * binlog positions) are decimal strings so they survive JSON; amounts are exact decimal strings with
 * the column's scale (two decimals); times are epoch milliseconds.
 */
export const ORDER_EVENT_TYPES = [
  'OrderCreated',
  'OrderPaid',
  'OrderShipped',
  'OrderCancelled',
  'OrderRefunded',
  'OrderExpired',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/**
 * The order's status after the event: the `orders.status` it moved to, and `EXPIRED` on
 * OrderExpired (the row itself still says CREATED; the event says why the order is over).
 */
export const ORDER_EVENT_STATUSES = ['CREATED', 'PAID', 'SHIPPED', 'CANCELLED', 'REFUNDED', 'EXPIRED'] as const;
export type OrderEventStatus = (typeof ORDER_EVENT_STATUSES)[number];

/** The `payments` row written in the same transaction as the UPDATE to PAID. */
export interface OrderEventPayment {
  readonly paymentId: string;
  readonly channel: string;
  readonly amount: string;
  /** `payments.paid_at`, epoch milliseconds. */
  readonly paidAt: number;
}

/**
 * Where the event came from in its shard's binlog: the DML entry of the `orders` row change. An
 * OrderExpired has no row of its own and carries the coordinates of the order's creating INSERT.
 */
export interface OrderEventSource {
  readonly serverId: string;
  readonly gtid: string;
  readonly file: string;
  readonly position: string;
}

export interface ExpectedEvent {
  readonly orderId: string;
  /** 1, 2, 3, … per order: no gaps, no repeats. */
  readonly seq: number;
  readonly type: OrderEventType;
  readonly status: OrderEventStatus;
  readonly amount: string;
  readonly userId: string;
  readonly skuId: string;
  /** Event time, epoch milliseconds: the transaction's binlog timestamp; created_at + timeout for OrderExpired. */
  readonly occurredAt: number;
  /** True only on an OrderPaid whose payment came after the order had expired. */
  readonly afterExpiry: boolean;
  /** Released before its watermark under `emit-and-flag`; the ground truth always expects false. */
  readonly late: boolean;
  /** Set on OrderPaid, null on every other type. */
  readonly payment: OrderEventPayment | null;
  readonly source: OrderEventSource;
}

/** One order's whole expected output, in order. */
export interface ExpectedOrder {
  readonly orderId: string;
  readonly events: readonly ExpectedEvent[];
}

/** The event type an `orders.status` change produces (docs/design.md section 2.1). */
export const EVENT_TYPE_OF_STATUS = {
  CREATED: 'OrderCreated',
  PAID: 'OrderPaid',
  SHIPPED: 'OrderShipped',
  CANCELLED: 'OrderCancelled',
  REFUNDED: 'OrderRefunded',
} as const satisfies Record<Exclude<OrderEventStatus, 'EXPIRED'>, OrderEventType>;
