/**
 * The `sale` database of docs/design.md section 2, as the simulator writes it. Int64 ids are `bigint`
 * (order and payment ids are snowflake-sized, above 2^53, so any lossy conversion shows up), amounts
 * are exact decimal strings, times are epoch seconds.
 */
export const SALE_SCHEMA = 'sale';

export const ORDER_STATUSES = ['CREATED', 'PAID', 'SHIPPED', 'CANCELLED', 'REFUNDED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderRow {
  readonly order_id: bigint;
  readonly user_id: bigint;
  readonly sku_id: bigint;
  /** DECIMAL(12,2), always with two decimals. */
  readonly amount: string;
  readonly status: OrderStatus;
  readonly version: number;
  /** The JSON column's text, or null. */
  readonly remark: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface PaymentRow {
  readonly payment_id: bigint;
  readonly order_id: bigint;
  readonly amount: string;
  readonly channel: string;
  readonly paid_at: number;
}

/** How a column travels in DTS (docs/design.md section 1): picks the Data type and sv/bv. */
export type ColumnKind = 'int64' | 'int32' | 'decimal' | 'string' | 'json' | 'timestamp';

export interface ColumnSpec<Row> {
  readonly name: keyof Row & string;
  readonly originalType: string;
  readonly isKey: boolean;
  readonly kind: ColumnKind;
}

export const ORDERS_COLUMNS: readonly ColumnSpec<OrderRow>[] = [
  { name: 'order_id', originalType: 'bigint(20)', isKey: true, kind: 'int64' },
  { name: 'user_id', originalType: 'bigint(20)', isKey: false, kind: 'int64' },
  { name: 'sku_id', originalType: 'bigint(20)', isKey: false, kind: 'int64' },
  { name: 'amount', originalType: 'decimal(12,2)', isKey: false, kind: 'decimal' },
  {
    name: 'status',
    originalType: "enum('CREATED','PAID','SHIPPED','CANCELLED','REFUNDED')",
    isKey: false,
    kind: 'string',
  },
  { name: 'version', originalType: 'int(11)', isKey: false, kind: 'int32' },
  { name: 'remark', originalType: 'json', isKey: false, kind: 'json' },
  { name: 'created_at', originalType: 'timestamp', isKey: false, kind: 'timestamp' },
  { name: 'updated_at', originalType: 'timestamp', isKey: false, kind: 'timestamp' },
];

export const PAYMENTS_COLUMNS: readonly ColumnSpec<PaymentRow>[] = [
  { name: 'payment_id', originalType: 'bigint(20)', isKey: true, kind: 'int64' },
  { name: 'order_id', originalType: 'bigint(20)', isKey: false, kind: 'int64' },
  { name: 'amount', originalType: 'decimal(12,2)', isKey: false, kind: 'decimal' },
  { name: 'channel', originalType: 'varchar(16)', isKey: false, kind: 'string' },
  { name: 'paid_at', originalType: 'timestamp', isKey: false, kind: 'timestamp' },
];

export const PAYMENT_CHANNELS = ['alipay', 'wechat', 'unionpay', 'card'] as const;

/** `YYYY-MM-DD hh:mm:ss +00:00`, how DTS writes a TIMESTAMP. */
export function formatTimestamp(epochSeconds: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +00:00`;
}
