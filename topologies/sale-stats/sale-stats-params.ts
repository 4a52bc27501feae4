import { parseSaleOrdersParams, type SaleOrdersParams } from '../sale-orders/sale-orders-params.js';
import { SaleStatsError } from './sale-stats-errors.js';

export interface SaleStatsParams extends Omit<SaleOrdersParams, 'outputTopic'> {
  readonly statsTopic: string;
  readonly totalsTopic: string;
  /** How long after a minute's end its late events are still counted (only `emit-and-flag` produces any). */
  readonly graceMs: number;
}

export const DEFAULT_STATS_TOPIC = 'sale.sku-minute-stats';
export const DEFAULT_TOTALS_TOPIC = 'sale.sku-totals';
export const DEFAULT_GRACE_SECONDS = 10;

/**
 * The `--set` parameters: those of sale-orders that shape the order events (inputTopic,
 * paymentTimeoutMinutes, holdPolicy, maxHoldMs, projectColumns, sourceTimeZone), plus statsTopic,
 * totalsTopic and graceSeconds. sale-stats reads a DTS subscription only: another format is refused
 * rather than ignored.
 */
export function parseSaleStatsParams(params: Readonly<Record<string, string>>): SaleStatsParams {
  const { outputTopic: _unused, ...orders } = parseSaleOrdersParams(params);
  if (orders.format !== 'dts') throw new SaleStatsError(`sale-stats reads a DTS subscription (format dts), got format '${orders.format}'`);
  const graceText = params['graceSeconds'];
  const graceSeconds = graceText === undefined ? DEFAULT_GRACE_SECONDS : Number(graceText);
  if (graceText !== undefined && (graceText.trim() === '' || !Number.isFinite(graceSeconds) || graceSeconds < 0)) {
    throw new SaleStatsError(`graceSeconds must be a number >= 0, got '${graceText}'`);
  }
  const graceMs = graceSeconds * 1000;
  if (!Number.isSafeInteger(graceMs)) throw new SaleStatsError(`graceSeconds must come to a whole number of milliseconds, got ${graceSeconds}`);
  return { ...orders, statsTopic: topic(params, 'statsTopic', DEFAULT_STATS_TOPIC), totalsTopic: topic(params, 'totalsTopic', DEFAULT_TOTALS_TOPIC), graceMs };
}

function topic(params: Readonly<Record<string, string>>, name: string, fallback: string): string {
  const text = params[name];
  if (text === undefined) return fallback;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(text)) throw new SaleStatsError(`${name} '${text}' is not a Kafka topic name (letters, digits, '.', '_', '-')`);
  return text;
}
