import { CdcStreamsError } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first one; 0 means try once. */
  readonly retries?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly multiplier?: number;
  /** Fraction of each delay that is randomized (0..1), so many clients do not retry in lockstep. */
  readonly jitter?: number;
  /** What is being retried, for the final error message, e.g. `schema registry http://host:8081`. */
  readonly operation?: string;
  /** Injected in tests so they neither wait nor depend on wall-clock time. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Thrown when a retriable operation kept failing; never retriable itself, `cause` is the last failure. */
export class RetriesExhaustedError extends CdcStreamsError {
  readonly attempts: number;

  constructor(operation: string, attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} failed after ${attempts} attempts: ${reason}`, { code: 'RETRIES_EXHAUSTED', cause });
    this.attempts = attempts;
  }
}

const DEFAULTS = { retries: 5, initialDelayMs: 100, maxDelayMs: 5_000, multiplier: 2, jitter: 0.2 } as const;

/**
 * Only errors that say they are retriable are retried: a `CdcStreamsError` with `retriable: true`.
 * Anything else — a TypeError from a bug, a rejected request — would fail the same way again, so it
 * is re-thrown at once (kafkajs `retry/` works the same way).
 */
export function isRetriable(error: unknown): boolean {
  return error instanceof CdcStreamsError && error.retriable;
}

/** Delay before retry number `retry` (0-based): exponential, capped, with +/- `jitter` randomization. */
export function backoffDelay(retry: number, options: RetryOptions = {}): number {
  const initial = options.initialDelayMs ?? DEFAULTS.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const multiplier = options.multiplier ?? DEFAULTS.multiplier;
  const jitter = options.jitter ?? DEFAULTS.jitter;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * multiplier ** retry);
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.min(max, Math.round(base + spread)));
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function retry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? DEFAULTS.retries;
  const sleep = options.sleep ?? realSleep;
  for (let n = 0; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRetriable(error)) throw error;
      if (n >= retries) throw new RetriesExhaustedError(options.operation ?? 'operation', n + 1, error);
      await sleep(backoffDelay(n, options));
    }
  }
}
