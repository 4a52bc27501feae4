import type { SecuredListeners } from './broker-security.js';

/** A broker some code can use, and how to give it back. */
export interface BrokerHandle {
  /** Comma-separated bootstrap addresses. */
  readonly brokers: string;
  /** False when the broker was already there (KAFKA_BROKERS, a running compose service): stop() leaves it alone. */
  readonly startedHere: boolean;
  readonly how: 'env' | 'docker' | 'local';
  /** Milliseconds from the start request until the broker answered (0 when nothing was started). */
  readonly startupMs: number;
  /** A local broker started with secured listeners: how clients reach them. `brokers` stays the plain listener. */
  readonly secured?: SecuredListeners;
  /** Stops what this handle started and nothing else; safe to call more than once. */
  stop(): Promise<void>;
}

/** Progress lines for a human (the CLI prints them, the test setup sends them to stderr). */
export type BrokerLog = (line: string) => void;
