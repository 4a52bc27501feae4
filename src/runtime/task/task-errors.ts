import { CdcStreamsError, describeCoordinates, type RecordCoordinates } from '../../common/errors.js';

/** What to do with a record that cannot be deserialized or processed. */
export type RecordErrorPolicy = 'fail' | 'dead-letter';

export interface ErrorPolicies {
  readonly deserialization: RecordErrorPolicy;
  readonly processing: RecordErrorPolicy;
}

export class RecordDeserializationError extends CdcStreamsError {
  constructor(readonly at: RecordCoordinates, readonly nodeName: string, cause: unknown) {
    super(`source '${nodeName}' cannot deserialize ${namedOnce(at, cause)}`, {
      code: 'DESERIALIZATION',
      cause,
    });
  }
}

export class RecordProcessingError extends CdcStreamsError {
  constructor(readonly at: RecordCoordinates | undefined, readonly nodeName: string, cause: unknown) {
    super(`node '${nodeName}' failed on ${namedOnce(at, cause)}`, {
      code: 'PROCESSING',
      cause,
    });
  }
}

export class RecordSerializationError extends CdcStreamsError {
  constructor(readonly nodeName: string, topic: string, cause: unknown) {
    super(`sink '${nodeName}' cannot serialize a record for topic '${topic}': ${messageOf(cause)}`, {
      code: 'SERIALIZATION',
      cause,
    });
  }
}

export class UnknownStoreError extends CdcStreamsError {
  constructor(nodeName: string, storeName: string) {
    super(`node '${nodeName}' asked for store '${storeName}', which is not connected to it`, { code: 'UNKNOWN_STORE' });
  }
}

/** `t/p@o: reason`, or `the record: reason` when the reason already names t/p@o (a serde's errors do). */
function namedOnce(at: RecordCoordinates | undefined, cause: unknown): string {
  const where = describeCoordinates(at);
  const reason = messageOf(cause);
  return at !== undefined && reason.includes(where) ? `the record: ${reason}` : `${where}: ${reason}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function classOf(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
