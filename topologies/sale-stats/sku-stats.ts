import { jsonSerde, type Serde } from 'cdc-streams';
import type { OrderEventRecord, OrderEventType } from '../sale-orders/order-event.js';
import { SaleStatsError } from './sale-stats-errors.js';

/** Store names: `sku-totals` is the queryable running-total table. */
export const SKU_MINUTE_STATS_STORE = 'sku-minute-stats';
export const SKU_TOTALS_STORE = 'sku-totals';

/** The events the statistics count; the others (shipped, refunded) are filtered out before the repartition. */
export const COUNTED_EVENT_TYPES: readonly OrderEventType[] = ['OrderCreated', 'OrderPaid', 'OrderCancelled', 'OrderExpired'];

/** What crosses the repartition by SKU: only what the statistics read. */
export interface SkuEvent {
  readonly type: OrderEventType;
  /** The order's amount, an exact decimal string with two fraction digits. */
  readonly amount: string;
  /** The event's time (ms), also the record's timestamp. */
  readonly occurredAt: number;
}

/** One product's figures, in a window or in total. `paidAmount` is an exact decimal string ("1234.50"). */
export interface SkuStats {
  readonly created: number;
  readonly paid: number;
  readonly cancelled: number;
  readonly expired: number;
  readonly paidAmount: string;
  /** Event time of the latest event counted (ms). */
  readonly lastEventAt: number;
}

export const skuEventSerde: Serde<SkuEvent> = jsonSerde<SkuEvent>();
export const skuStatsSerde: Serde<SkuStats> = jsonSerde<SkuStats>();

export function skuEventOf(event: OrderEventRecord): SkuEvent {
  return { type: event.type, amount: event.amount, occurredAt: event.occurredAt };
}

export function isCounted(event: OrderEventRecord): boolean {
  return COUNTED_EVENT_TYPES.includes(event.type);
}

export function emptySkuStats(): SkuStats {
  return { created: 0, paid: 0, cancelled: 0, expired: 0, paidAmount: '0.00', lastEventAt: 0 };
}

/** The figures with one more event. */
export function addSkuEvent(stats: SkuStats, event: SkuEvent): SkuStats {
  const lastEventAt = Math.max(stats.lastEventAt, event.occurredAt);
  switch (event.type) {
    case 'OrderCreated':
      return { ...stats, created: stats.created + 1, lastEventAt };
    case 'OrderPaid':
      return { ...stats, paid: stats.paid + 1, paidAmount: addCents(stats.paidAmount, event.amount), lastEventAt };
    case 'OrderCancelled':
      return { ...stats, cancelled: stats.cancelled + 1, lastEventAt };
    case 'OrderExpired':
      return { ...stats, expired: stats.expired + 1, lastEventAt };
    default:
      return stats;
  }
}

const AMOUNT = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** Exact sum of two decimal amounts with at most two fraction digits (the `orders.amount` column's scale). */
export function addCents(a: string, b: string): string {
  const cents = centsOf(a) + centsOf(b);
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

function centsOf(amount: string): bigint {
  const match = AMOUNT.exec(amount);
  if (match === null) throw new SaleStatsError(`amount '${amount}' is not a decimal with at most two fraction digits`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}
