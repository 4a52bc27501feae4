import { CdcStreamsError } from '../../common/errors.js';

/**
 * What a broker answers for a moment after it started, after a topic was created or while a group
 * coordinator loads its offsets. kafkajs throws some of these at once, failing whatever came next.
 * (kafkajs names Kafka's NOT_LEADER_OR_FOLLOWER, code 6, and the coordinator errors by their old names.)
 */
const NOT_READY_YET = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  // kafkajs' names for the three above (Kafka's older names): those are what its errors carry.
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/** The Kafka error type of an error or of what it wraps (kafkajs' retrier wraps the broker's error). */
export function kafkaErrorType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if ('type' in current && typeof current.type === 'string') return current.type;
    current = current.cause;
  }
  return undefined;
}

/** True for a broker's "not ready yet" answer, which the same request soon gets past. */
export function isNotReadyYet(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type !== undefined && NOT_READY_YET.has(type);
}

export class KafkaNotReadyError extends CdcStreamsError {
  constructor(what: string, deadlineMs: number, cause: unknown) {
    super(`${what}: the broker still answered '${kafkaErrorType(cause) ?? 'not ready'}' after ${deadlineMs / 1000} s`, {
      code: 'KAFKA_NOT_READY',
      retriable: true,
      cause,
    });
  }
}

/** Runs `call` again while the broker answers "not ready yet", up to `deadlineMs`; other errors pass. */
export async function whenKafkaReady<T>(what: string, call: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let pauseMs = 50; ; pauseMs = Math.min(pauseMs * 2, 1_000)) {
    try {
      return await call();
    } catch (error) {
      if (!isNotReadyYet(error)) throw error;
      if (Date.now() >= deadline) throw new KafkaNotReadyError(what, deadlineMs, error);
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
