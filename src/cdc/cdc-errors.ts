import { CdcStreamsError, describeCoordinates, type RecordCoordinates } from '../common/errors.js';

/**
 * A chunk group whose index sequence broke (docs/design.md 3.1). Not thrown: it names the reason in the
 * dead-letter headers of every raw message of the group, so an operator can find them.
 */
export class AbandonedChunkGroupError extends CdcStreamsError {
  constructor(reason: string, firstPiece: RecordCoordinates, pieces: number) {
    super(`chunk group starting at ${describeCoordinates(firstPiece)} abandoned (${reason}) after ${pieces} piece(s)`, {
      code: 'CDC_CHUNK_GROUP_ABANDONED',
    });
  }
}

/**
 * Bytes that are not an Envelope or an Entries message (or no bytes: a tombstone); the raw message goes
 * to the dead-letter topic. A cause that is a CdcStreamsError already says what and where (the DTS
 * decoder's do): its message is used as it is, so the coordinates are not named twice.
 */
export class UndecodableMessageError extends CdcStreamsError {
  constructor(what: string, at: RecordCoordinates, cause: unknown) {
    super(
      cause instanceof CdcStreamsError ? cause.message : `cannot decode ${what} at ${describeCoordinates(at)}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { code: 'CDC_UNDECODABLE', cause },
    );
  }
}

/** A record with no value where a DTS Envelope was expected. */
export class TombstoneInputError extends CdcStreamsError {
  constructor(at: RecordCoordinates) {
    super(`${describeCoordinates(at)} has no value (a tombstone), not a DTS Envelope`, { code: 'CDC_TOMBSTONE' });
  }
}

/** A control record that claims to be a watermark but does not parse; the upstream is broken or foreign. */
export class InvalidWatermarkControlError extends CdcStreamsError {
  constructor(problem: string, cause?: unknown) {
    super(`invalid watermark control record: ${problem}`, { code: 'CDC_INVALID_WATERMARK_CONTROL', cause });
  }
}

/** A row change without a usable shard position (no numeric GTID sequence): it cannot be ordered. */
export class UnorderableEventError extends CdcStreamsError {
  constructor(problem: string, at: RecordCoordinates | undefined) {
    super(`cannot order event at ${describeCoordinates(at)}: ${problem}`, { code: 'CDC_UNORDERABLE_EVENT' });
  }
}

/** The engine called process() outside of an input record; the source needs the record's offset. */
export class MissingInputCoordinatesError extends CdcStreamsError {
  constructor(nodeName: string) {
    super(`node '${nodeName}': the DTS source needs the input record's topic, partition and offset`, { code: 'CDC_NO_RECORD_METADATA' });
  }
}

export class ProcessorNotInitializedError extends CdcStreamsError {
  constructor(what: string) {
    super(`${what} processor used before init()`, { code: 'CDC_NOT_INITIALIZED' });
  }
}
