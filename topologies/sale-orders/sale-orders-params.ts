import { checkTimeZone, ConfigError, type HoldPolicy } from 'cdc-streams';
import { SaleOrdersParamError } from './sale-orders-errors.js';

export interface SaleOrdersParams {
  /** The CDC format of the subscription: `dts` (one topic) or `debezium` (a topic per table). */
  readonly format: SaleOrdersFormat;
  /** DTS: the subscription topic. */
  readonly inputTopic: string;
  /** Debezium: the connector's topic.prefix; the topics are `<prefix>.sale.orders`, `<prefix>.sale.payments`, `<prefix>.transaction`. */
  readonly topicPrefix: string;
  /** Debezium: its heartbeat topic, read when named. */
  readonly heartbeatTopic: string | undefined;
  readonly outputTopic: string;
  readonly paymentTimeoutMs: number;
  readonly holdPolicy: HoldPolicy;
  /** The resequencer's wall-clock bound; undefined: hold until the watermark, however long. */
  readonly maxHoldMs: number | undefined;
  /** Drop the columns the lifecycle does not read at the source (default true). */
  readonly projectColumns: boolean;
  /** The zone zone-less DATETIME columns are read in: the source database's wall clock. */
  readonly sourceTimeZone: string;
}

export type SaleOrdersFormat = 'dts' | 'debezium';
const FORMATS: readonly SaleOrdersFormat[] = ['dts', 'debezium'];

export const DEFAULT_INPUT_TOPIC = 'dts.sale';
export const DEFAULT_TOPIC_PREFIX = 'sale-db';
export const DEFAULT_OUTPUT_TOPIC = 'sale.order-events';
export const DEFAULT_PAYMENT_TIMEOUT_MINUTES = 30;
/** emit-and-flag without a bound would never release early, so it gets one by default. */
export const DEFAULT_EMIT_AND_FLAG_MAX_HOLD_MS = 60_000;
export const DEFAULT_SOURCE_TIME_ZONE = 'UTC';

const HOLD_POLICIES: readonly HoldPolicy[] = ['wait', 'emit-and-flag'];
const MINUTE_MS = 60_000;

/**
 * Reads the topology's `--set` parameters: format, inputTopic, topicPrefix, heartbeatTopic, outputTopic, paymentTimeoutMinutes, holdPolicy,
 * maxHoldMs, projectColumns and sourceTimeZone. Called while the topology is built, so a bad value stops `validate`/`run` before
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
  const format = params['format'] ?? 'dts';
  if (!isFormat(format)) throw new SaleOrdersParamError(`format must be one of ${FORMATS.join(', ')}, got '${format}'`);
  return {
    format,
    inputTopic: topic(params, 'inputTopic') ?? DEFAULT_INPUT_TOPIC,
    topicPrefix: topic(params, 'topicPrefix') ?? DEFAULT_TOPIC_PREFIX,
    heartbeatTopic: topic(params, 'heartbeatTopic'),
    outputTopic: topic(params, 'outputTopic') ?? DEFAULT_OUTPUT_TOPIC,
    paymentTimeoutMs,
    holdPolicy,
    maxHoldMs,
    projectColumns: flag(params, 'projectColumns') ?? true,
    sourceTimeZone: timeZone(params['sourceTimeZone'] ?? DEFAULT_SOURCE_TIME_ZONE),
  };
}

function flag(params: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const text = params[name];
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw new SaleOrdersParamError(`${name} must be true or false, got '${text}'`);
  return text === 'true';
}

function timeZone(zone: string): string {
  try {
    return checkTimeZone(zone);
  } catch (error) {
    if (error instanceof ConfigError) throw new SaleOrdersParamError(`sourceTimeZone: ${error.message}`);
    throw error;
  }
}

function isFormat(value: string): value is SaleOrdersFormat {
  return (FORMATS as readonly string[]).includes(value);
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
