import type { HoldPolicy } from 'cdc-streams';
import { SaleOrdersParamError } from './sale-orders-errors.js';

export interface SaleOrdersParams {
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly paymentTimeoutMs: number;
  readonly holdPolicy: HoldPolicy;
  /** The resequencer's wall-clock bound; undefined: hold until the watermark, however long. */
  readonly maxHoldMs: number | undefined;
  /** Drop the columns the lifecycle does not read at the source (default true). */
  readonly projectColumns: boolean;
}

export const DEFAULT_INPUT_TOPIC = 'dts.sale';
export const DEFAULT_OUTPUT_TOPIC = 'sale.order-events';
export const DEFAULT_PAYMENT_TIMEOUT_MINUTES = 30;
/** emit-and-flag without a bound would never release early, so it gets one by default. */
export const DEFAULT_EMIT_AND_FLAG_MAX_HOLD_MS = 60_000;

const HOLD_POLICIES: readonly HoldPolicy[] = ['wait', 'emit-and-flag'];
const MINUTE_MS = 60_000;

/**
 * Reads the topology's `--set` parameters: inputTopic, outputTopic, paymentTimeoutMinutes, holdPolicy,
 * maxHoldMs and projectColumns. Called while the topology is built, so a bad value stops `validate`/`run` before
 * anything connects. Other keys are left to whoever else reads them.
 */
export function parseSaleOrdersParams(params: Readonly<Record<string, string>>): SaleOrdersParams {
  const holdPolicy = params['holdPolicy'] ?? 'wait';
  if (!isHoldPolicy(holdPolicy)) {
    throw new SaleOrdersParamError(`holdPolicy must be one of ${HOLD_POLICIES.join(', ')}, got '${holdPolicy}'`);
  }
  const minutes = positiveNumber(params, 'paymentTimeoutMinutes') ?? DEFAULT_PAYMENT_TIMEOUT_MINUTES;
  const paymentTimeoutMs = minutes * MINUTE_MS;
  // Timers are whole milliseconds; 0.5 minutes is fine, 1e-9 minutes is not.
  if (!Number.isSafeInteger(paymentTimeoutMs)) {
    throw new SaleOrdersParamError(`paymentTimeoutMinutes must come to a whole number of milliseconds, got ${minutes}`);
  }
  const maxHoldMs = positiveNumber(params, 'maxHoldMs') ?? (holdPolicy === 'emit-and-flag' ? DEFAULT_EMIT_AND_FLAG_MAX_HOLD_MS : undefined);
  return {
    inputTopic: topic(params, 'inputTopic') ?? DEFAULT_INPUT_TOPIC,
    outputTopic: topic(params, 'outputTopic') ?? DEFAULT_OUTPUT_TOPIC,
    paymentTimeoutMs,
    holdPolicy,
    maxHoldMs,
    projectColumns: flag(params, 'projectColumns') ?? true,
  };
}

function flag(params: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const text = params[name];
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw new SaleOrdersParamError(`${name} must be true or false, got '${text}'`);
  return text === 'true';
}

function isHoldPolicy(value: string): value is HoldPolicy {
  return (HOLD_POLICIES as readonly string[]).includes(value);
}

function positiveNumber(params: Readonly<Record<string, string>>, name: string): number | undefined {
  const text = params[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new SaleOrdersParamError(`${name} must be a positive number, got '${text}'`);
  }
  return value;
}

function topic(params: Readonly<Record<string, string>>, name: string): string | undefined {
  const text = params[name];
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(text)) {
    throw new SaleOrdersParamError(`${name} '${text}' is not a Kafka topic name (letters, digits, '.', '_', '-')`);
  }
  return text;
}
