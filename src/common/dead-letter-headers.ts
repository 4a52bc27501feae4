import {
  DLQ_HEADER_ERROR_CLASS,
  DLQ_HEADER_ERROR_MESSAGE,
  DLQ_HEADER_OFFSET,
  DLQ_HEADER_PARTITION,
  DLQ_HEADER_TOPIC,
} from './constants.js';
import type { RecordCoordinates } from './errors.js';
import type { Headers } from './headers.js';

/** A raw record's headers plus the dead-letter headers naming where it came from and why it was set aside. */
export function deadLetterHeaders(original: Headers, at: RecordCoordinates, errorClass: string, errorMessage: string): Headers {
  return {
    ...original,
    [DLQ_HEADER_TOPIC]: at.topic,
    [DLQ_HEADER_PARTITION]: String(at.partition),
    [DLQ_HEADER_OFFSET]: at.offset,
    [DLQ_HEADER_ERROR_CLASS]: errorClass,
    [DLQ_HEADER_ERROR_MESSAGE]: errorMessage,
  };
}
