import type { SASLOptions } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.js';
import type { ConnectionOptions } from 'node:tls';

export interface ProbeOptions {
  /** Per connection attempt; low so a dead address fails fast instead of hanging. */
  readonly connectionTimeoutMs?: number;
  readonly retries?: number;
  /** For a secured listener: TLS settings (PEM strings) and, for SASL_SSL, the user. */
  readonly ssl?: ConnectionOptions;
  readonly sasl?: SASLOptions;
}

/** One line, whatever kafkajs put in its message (some of its errors span lines). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Resolves when `brokers` answers a metadata request, rejects with kafkajs' error otherwise. kafkajs'
 * own logger is silenced: a probe that is expected to fail while the broker boots must not spray
 * connection errors over the test output.
 */
export async function probeBroker(brokers: string, options: ProbeOptions = {}): Promise<void> {
  const kafka = new Kafka({
    clientId: 'cdc-streams-broker-probe',
    brokers: brokers.split(',').map((address) => address.trim()).filter((address) => address !== ''),
    connectionTimeout: options.connectionTimeoutMs ?? 2_000,
    requestTimeout: 5_000,
    retry: { retries: options.retries ?? 0, initialRetryTime: 200, maxRetryTime: 1_000 },
    logLevel: logLevel.NOTHING,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

export interface WaitOptions {
  readonly deadlineMs: number;
  /** Returns a reason when waiting is pointless (the broker process died); checked between probes. */
  readonly gaveUp?: () => string | undefined;
  readonly pollIntervalMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Probes until the broker answers or the deadline passes. Rejects with an Error whose message says
 * why (the last probe error or the give-up reason); callers wrap it in their own error class.
 */
export async function waitForBroker(brokers: string, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.deadlineMs;
  let lastError: unknown;
  for (;;) {
    const reason = options.gaveUp?.();
    if (reason !== undefined) throw new Error(reason, { cause: lastError });
    try {
      await probeBroker(brokers);
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? oneLine(lastError.message) : String(lastError);
      throw new Error(`${brokers} did not answer within ${options.deadlineMs / 1000} s (last error: ${detail})`, {
        cause: lastError,
      });
    }
    await sleep(options.pollIntervalMs ?? 250);
  }
}
