import { ConfigError } from '../../index.js';

/** How orders end up; the fractions of `fates` are weights, normalised to sum 1. */
export interface LifecycleMix {
  /** Paid before the deadline. */
  readonly paid: number;
  /** Paid after the deadline: OrderExpired, then OrderPaid flagged afterExpiry. */
  readonly paidLate: number;
  /** Cancelled by the buyer before the deadline. */
  readonly cancelled: number;
  /** Never touched again: expires. */
  readonly unpaid: number;
  /** Cancelled by the shard's clean-up job after the deadline: OrderExpired, then OrderCancelled. */
  readonly expiredThenCancelled: number;
}

export interface FlashSaleModelOptions {
  readonly seed: number;
  /** Committed orders to create (rolled-back INSERTs come on top). */
  readonly orders: number;
  /** MySQL instances; orders live on shard `order_id mod shards`. */
  readonly shards: number;
  /** Distinct SKUs on sale; a few, so buyers race for them. */
  readonly skus: number;
  /** Event time of the first transaction, epoch seconds. */
  readonly startTime: number;
  /** Orders are created over this many seconds of event time, most of them early. */
  readonly saleDurationSeconds: number;
  readonly paymentTimeoutSeconds: number;
  /** Each shard writes a heartbeat this often (event time); 0 turns periodic heartbeats off. */
  readonly heartbeatIntervalSeconds: number;
  /** A binlog file rotates once it reaches this many bytes. */
  readonly binlogFileBytes: number;
  readonly fates: LifecycleMix;
  /** Share of transactions (order attempts, payments) that roll back. */
  readonly rollbackRate: number;
  /** Share of orders that get one or two remark edits (UPDATE with no status change). */
  readonly remarkEditRate: number;
  /** Share of orders whose remark is big (`bigRemarkBytes`), so their entries must be chunked. */
  readonly bigRemarkRate: number;
  readonly bigRemarkBytes: number;
  /** Share of arrivals that create two orders in one transaction (and pay them in one). */
  readonly pairRate: number;
  /** Share of paid-in-time orders paid at exactly the deadline or one second after it. */
  readonly boundaryRate: number;
}

export const DEFAULT_MODEL_OPTIONS: FlashSaleModelOptions = {
  seed: 1,
  orders: 1000,
  shards: 2,
  skus: 5,
  startTime: 1_762_819_200, // 2025-11-11T00:00:00Z
  saleDurationSeconds: 300,
  paymentTimeoutSeconds: 1800,
  heartbeatIntervalSeconds: 5,
  binlogFileBytes: 1_048_576,
  fates: { paid: 0.7, paidLate: 0.05, cancelled: 0.07, unpaid: 0.13, expiredThenCancelled: 0.05 },
  rollbackRate: 0.03,
  remarkEditRate: 0.15,
  bigRemarkRate: 0.001,
  bigRemarkBytes: 64 * 1024,
  pairRate: 0.05,
  boundaryRate: 0.01,
};

export type ModelOptionsInput = Partial<Omit<FlashSaleModelOptions, 'fates'>> & { readonly fates?: Partial<LifecycleMix> };

export function resolveModelOptions(options: ModelOptionsInput): FlashSaleModelOptions {
  const o: FlashSaleModelOptions = {
    ...DEFAULT_MODEL_OPTIONS,
    ...options,
    fates: { ...DEFAULT_MODEL_OPTIONS.fates, ...options.fates },
  };
  requireInteger('seed', o.seed, 0, 0xffffffff);
  requireInteger('orders', o.orders, 0, 100_000_000);
  requireInteger('shards', o.shards, 1, 1024);
  requireInteger('skus', o.skus, 1, 100_000);
  requireInteger('startTime', o.startTime, 0, 4_000_000_000);
  requireInteger('saleDurationSeconds', o.saleDurationSeconds, 1, 86_400 * 7);
  requireInteger('paymentTimeoutSeconds', o.paymentTimeoutSeconds, 60, 86_400 * 7);
  requireInteger('heartbeatIntervalSeconds', o.heartbeatIntervalSeconds, 0, 86_400);
  requireInteger('binlogFileBytes', o.binlogFileBytes, 4096, 2 ** 40);
  requireInteger('bigRemarkBytes', o.bigRemarkBytes, 16, 64 * 1024 * 1024);
  for (const name of ['rollbackRate', 'remarkEditRate', 'bigRemarkRate', 'pairRate', 'boundaryRate'] as const) {
    requireFraction(name, o[name]);
  }
  let weights = 0;
  for (const [name, weight] of Object.entries(o.fates)) {
    if (!Number.isFinite(weight) || weight < 0) throw new ConfigError(`fates.${name} must be a weight >= 0, got ${weight}`);
    weights += weight;
  }
  if (weights <= 0) throw new ConfigError('fates: at least one weight must be above 0');
  return o;
}

export function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

export function requireFraction(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(`${name} must be a fraction from 0 to 1, got ${value}`);
  }
}
