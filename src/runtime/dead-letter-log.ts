import {
  DLQ_HEADER_ERROR_CLASS,
  DLQ_HEADER_ERROR_MESSAGE,
  DLQ_HEADER_OFFSET,
  DLQ_HEADER_PARTITION,
  DLQ_HEADER_TOPIC,
} from '../common/constants.js';
import type { Headers } from '../common/headers.js';
import type { Logger } from '../common/logger.js';
import type { OutputRecord } from './task/input-record.js';

export interface DeadLetterLogOptions {
  /** Lines per window; the rest of the window's dead letters are counted in one line (default 10). */
  readonly maxLinesPerWindow?: number;
  /** Default 60 s. */
  readonly windowMs?: number;
  readonly clock?: () => number;
}

/**
 * One `warn` line per dead letter — where the record came from and why it was set aside — at most
 * `maxLinesPerWindow` a minute, so that a topic full of bad records cannot flood the log; the number
 * left out is logged when the next window begins. Every dead letter is in the topic and in
 * `cdc_streams_dead_letters_total` either way.
 */
export class DeadLetterLog {
  private readonly maxLines: number;
  private readonly windowMs: number;
  private readonly clock: () => number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private logged = 0;
  private skipped = 0;

  constructor(
    private readonly logger: Logger,
    options: DeadLetterLogOptions = {},
  ) {
    this.maxLines = options.maxLinesPerWindow ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.clock = options.clock ?? Date.now;
  }

  /** Called with each record written to the dead-letter topic (its headers name the source record). */
  record(deadLetter: OutputRecord): void {
    const now = this.clock();
    if (now - this.windowStart >= this.windowMs) {
      if (this.skipped > 0) {
        this.logger.warn(`${this.skipped} more dead letter${this.skipped === 1 ? '' : 's'} not logged one by one`, {
          deadLetterTopic: deadLetter.topic,
          skipped: this.skipped,
          since: new Date(this.windowStart).toISOString(),
        });
      }
      this.windowStart = now;
      this.logged = 0;
      this.skipped = 0;
    }
    if (this.logged >= this.maxLines) {
      this.skipped++;
      return;
    }
    this.logged++;
    const h = deadLetter.headers;
    this.logger.warn('record sent to the dead-letter topic', {
      topic: text(h, DLQ_HEADER_TOPIC),
      partition: Number(text(h, DLQ_HEADER_PARTITION)),
      offset: text(h, DLQ_HEADER_OFFSET),
      reason: text(h, DLQ_HEADER_ERROR_MESSAGE),
      errorClass: text(h, DLQ_HEADER_ERROR_CLASS),
      deadLetterTopic: deadLetter.topic,
    });
  }
}

function text(headers: Headers, key: string): string | undefined {
  const value = headers[key];
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}
