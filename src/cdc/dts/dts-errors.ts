import { CdcStreamsError } from '../../common/errors.js';

/**
 * Input that does not follow the DTS protocol. Never retriable: the same bytes fail the same way, so
 * the caller sends the message to the dead-letter topic (docs/design.md section 6) and carries on.
 */
export class DtsProtocolError extends CdcStreamsError {
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, { code: options.code, retriable: false, cause: options.cause });
  }
}

/** Bytes that are not a well-formed Envelope or Entries. */
export class DtsDecodeError extends DtsProtocolError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'DTS_DECODE', cause });
  }
}

/** Well-formed entries whose content cannot become change events (a bad value, charset, or transaction shape). */
export class DtsNormalizeError extends DtsProtocolError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'DTS_NORMALIZE', cause });
  }
}
