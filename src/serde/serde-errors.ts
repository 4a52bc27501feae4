import { CdcStreamsError } from '../common/errors.js';
import type { SerdeContext } from './serde.js';
import { describeSerdeContext } from './serde-context.js';

/** Bytes that should be JSON are not; the record belongs in the dead-letter topic. */
export class InvalidJsonError extends CdcStreamsError {
  constructor(context: SerdeContext, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`invalid JSON at ${describeSerdeContext(context)}: ${reason}`, { code: 'SERDE_INVALID_JSON', cause });
  }
}

/** A value JSON cannot represent (a bigint, a cycle, `undefined` at the top level); a bug in the caller. */
export class JsonNotSerializableError extends CdcStreamsError {
  constructor(context: SerdeContext, reason: string, cause?: unknown) {
    super(`cannot serialize value as JSON for ${describeSerdeContext(context)}: ${reason}`, {
      code: 'SERDE_JSON_NOT_SERIALIZABLE',
      cause,
    });
  }
}

/** A key serde was handed bytes of the wrong shape, or a value outside what it can encode. */
export class KeyEncodingError extends CdcStreamsError {
  constructor(serde: string, context: SerdeContext, reason: string) {
    super(`${serde} key at ${describeSerdeContext(context)}: ${reason}`, { code: 'SERDE_KEY_ENCODING' });
  }
}

/** `serialize` on a topic whose `init` has not run (or failed): a wiring bug in the caller. */
export class SerdeNotInitializedError extends CdcStreamsError {
  constructor(serde: string, topic: string) {
    super(`${serde} was not initialized for topic ${topic}: call init(topic) before serialize`, {
      code: 'SERDE_NOT_INITIALIZED',
    });
  }
}
