import type { ExpectedOrder, OrderEventType } from './expected-event.js';
import { SimulatorInvariantError } from './sim-errors.js';

/** The width of sale-stats' windows: one minute of event time, aligned to the epoch. */
export const SALE_STATS_WINDOW_MS = 60_000;

/** The figures sale-stats keeps per product, per window or in total. `paidAmount` is exact ("1234.50"). */
export interface SkuFigures {
  readonly created: number;
  readonly paid: number;
  readonly cancelled: number;
  readonly expired: number;
  readonly paidAmount: string;
}

/** One product's figures in one minute `[windowStart, windowEnd)`, as `sale.sku-minute-stats` carries them. */
export interface SkuMinuteStats extends SkuFigures {
  readonly skuId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
}

/** One product's totals over the whole sale, as the last `sale.sku-totals` record per product carries them. */
export interface SkuTotals extends SkuFigures {
  readonly skuId: string;
  /** Event time of the latest event counted. */
  readonly lastEventAt: number;
}

export interface SaleStatsTruth {
  /** By `minuteStatsKey(skuId, windowStart)`. */
  readonly minutes: ReadonlyMap<string, SkuMinuteStats>;
  readonly totals: ReadonlyMap<string, SkuTotals>;
}

const COUNTED: Readonly<Partial<Record<OrderEventType, keyof Omit<SkuFigures, 'paidAmount'>>>> = {
  OrderCreated: 'created',
  OrderPaid: 'paid',
  OrderCancelled: 'cancelled',
  OrderExpired: 'expired',
};

export function minuteStatsKey(skuId: string, windowStart: number): string {
  return `${skuId}@${windowStart}`;
}

interface Tally {
  created: number;
  paid: number;
  cancelled: number;
  expired: number;
  paidCents: bigint;
  lastEventAt: number;
}

/**
 * The sale statistics the expected order events imply (docs/sale-stats.md): per product and minute of
 * `occurredAt`, the OrderCreated, OrderPaid (those after expiry included), OrderCancelled and
 * OrderExpired events and the sum of the OrderPaid events' amounts; and the same per product over the
 * whole sale. Shipped and refunded orders are not counted. Minutes with no counted event do not exist.
 */
export function saleStatsOf(orders: Iterable<ExpectedOrder>, windowMs = SALE_STATS_WINDOW_MS): SaleStatsTruth {
  const minutes = new Map<string, { skuId: string; windowStart: number; tally: Tally }>();
  const totals = new Map<string, Tally>();
  for (const order of orders) {
    for (const event of order.events) {
      const field = COUNTED[event.type];
      if (field === undefined) continue;
      const windowStart = Math.floor(event.occurredAt / windowMs) * windowMs;
      const key = minuteStatsKey(event.skuId, windowStart);
      let minute = minutes.get(key);
      if (minute === undefined) {
        minute = { skuId: event.skuId, windowStart, tally: emptyTally() };
        minutes.set(key, minute);
      }
      let total = totals.get(event.skuId);
      if (total === undefined) {
        total = emptyTally();
        totals.set(event.skuId, total);
      }
      for (const tally of [minute.tally, total]) {
        tally[field]++;
        if (field === 'paid') tally.paidCents += centsOf(event.amount, `order ${event.orderId} seq ${event.seq}`);
        tally.lastEventAt = Math.max(tally.lastEventAt, event.occurredAt);
      }
    }
  }
  return {
    minutes: new Map(
      [...minutes].map(([key, m]) => [key, { skuId: m.skuId, windowStart: m.windowStart, windowEnd: m.windowStart + windowMs, ...figuresOf(m.tally) }]),
    ),
    totals: new Map([...totals].map(([skuId, t]) => [skuId, { skuId, ...figuresOf(t), lastEventAt: t.lastEventAt }])),
  };
}

function emptyTally(): Tally {
  return { created: 0, paid: 0, cancelled: 0, expired: 0, paidCents: 0n, lastEventAt: Number.NEGATIVE_INFINITY };
}

function figuresOf(t: Tally): SkuFigures {
  return { created: t.created, paid: t.paid, cancelled: t.cancelled, expired: t.expired, paidAmount: formatCents(t.paidCents) };
}

const AMOUNT = /^(-?)(\d+)\.(\d{2})$/;

/** Amounts in the ground truth are the column's DECIMAL(12,2): always two fraction digits. */
function centsOf(amount: string, where: string): bigint {
  const match = AMOUNT.exec(amount);
  if (match === null) throw new SimulatorInvariantError(`${where}: amount '${amount}' is not a decimal with two fraction digits`);
  const cents = BigInt(match[2]!) * 100n + BigInt(match[3]!);
  return match[1] === '-' ? -cents : cents;
}

export function formatCents(cents: bigint): string {
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
