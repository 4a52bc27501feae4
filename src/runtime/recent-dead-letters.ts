import {
  DLQ_HEADER_ERROR_CLASS,
  DLQ_HEADER_ERROR_MESSAGE,
  DLQ_HEADER_OFFSET,
  DLQ_HEADER_PARTITION,
  DLQ_HEADER_TOPIC,
} from '../common/constants.js';
import type { Headers } from '../common/headers.js';
import type { DeadLetterNote } from './app-snapshot.js';
import type { OutputRecord } from './task/input-record.js';

const MAX_NOTES = 20;

/**
 * The last few records this instance sent to the dead-letter topic and why, read from the dead-letter
 * headers (where the record came from, the error class and message). The count stays in recordsOut.
 */
export class RecentDeadLetters {
  private readonly notes: DeadLetterNote[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  add(taskId: string, record: OutputRecord): void {
    this.notes.push({
      at: this.clock(),
      taskId,
      deadLetterTopic: record.topic,
      sourceTopic: text(record.headers, DLQ_HEADER_TOPIC),
      sourcePartition: numberOrUndefined(text(record.headers, DLQ_HEADER_PARTITION)),
      sourceOffset: text(record.headers, DLQ_HEADER_OFFSET),
      errorClass: text(record.headers, DLQ_HEADER_ERROR_CLASS),
      errorMessage: text(record.headers, DLQ_HEADER_ERROR_MESSAGE),
    });
    if (this.notes.length > MAX_NOTES) this.notes.shift();
  }

  /** Oldest first. */
  list(): DeadLetterNote[] {
    return [...this.notes];
  }
}

function text(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : value;
}

function numberOrUndefined(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}
