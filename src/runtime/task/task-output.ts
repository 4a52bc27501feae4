import { CONTROL_HEADER, DLQ_HEADER_VALUE_OMITTED, WRITER_HEADER } from '../../common/constants.js';
import { deadLetterHeaders } from '../../common/dead-letter-headers.js';
import { CdcStreamsError, type RecordCoordinates } from '../../common/errors.js';
import type { Headers } from '../../common/headers.js';
import type { OutputRecord } from './input-record.js';
import { cutIntoPieces, piecePayloadBytes } from './record-chunks.js';
import type { RecordCollector } from './record-collector.js';
import { recordBatchBytes } from './record-size.js';

/** A record bigger than its topic accepts, written nowhere else (the reason of its dead letter). */
export class RecordTooLargeError extends CdcStreamsError {
  constructor(readonly topic: string, readonly partition: number, readonly bytes: number, readonly maxBytes: number) {
    super(
      `a record of ${bytes} bytes for ${topic}/${partition} exceeds the topic's limit of ${maxBytes} bytes (max.message.bytes)`,
      { code: 'RECORD_TOO_LARGE' },
    );
  }
}

/** Counters of what a task had to do to make its records fit, for the ops layer. */
export interface TaskOutputMetrics {
  recordsChunked: number;
  chunkPiecesWritten: number;
  oversizeDeadLetters: number;
  deadLetterValuesOmitted: number;
}

export interface TaskOutputOptions {
  readonly collector: RecordCollector;
  /** `<taskId>.<incarnation>`: names this task's pieces so readers can tell writers apart. */
  readonly writer: string;
  /** Internal topics that tasks of this application read: a record too big for one is cut into pieces. */
  readonly chunkedTopics: ReadonlySet<string>;
  readonly deadLetterTopic: string;
  /** Where the record being processed came from, for dead-letter headers. */
  readonly currentInput: () => RecordCoordinates | undefined;
  /** Told of each record handed over for the dead-letter topic (the runtime's history for operators). */
  readonly onDeadLetter?: (record: OutputRecord) => void;
}

/**
 * Everything a task writes through its sinks and dead letters goes through here, so that every record
 * fits the topic it goes to (docs/runtime.md, "Records bigger than a Kafka message"):
 * - a record that fits goes as it is (control records to chunked topics get WRITER_HEADER);
 * - one too big for a repartition topic is cut into pieces that its reader joins again;
 * - one too big for an output topic goes to the dead-letter topic, its reason naming both sizes;
 * - a dead letter too big for the dead-letter topic goes without its value (headers say its size).
 */
export class TaskOutput implements RecordCollector {
  readonly metrics: TaskOutputMetrics = { recordsChunked: 0, chunkPiecesWritten: 0, oversizeDeadLetters: 0, deadLetterValuesOmitted: 0 };
  private nextGroup = 0;
  /** Records handed to the collector so far, pieces and dead letters included. */
  private sent = 0;

  constructor(private readonly options: TaskOutputOptions) {}

  get recordsSent(): number {
    return this.sent;
  }

  partitionCount(topic: string): number {
    return this.options.collector.partitionCount(topic);
  }

  maxRecordBytes(topic: string): number {
    return this.options.collector.maxRecordBytes(topic);
  }

  send(record: OutputRecord): void {
    const { collector, chunkedTopics, deadLetterTopic } = this.options;
    const chunked = chunkedTopics.has(record.topic);
    const out = chunked && record.headers[CONTROL_HEADER] !== undefined ? { ...record, headers: { ...record.headers, [WRITER_HEADER]: this.options.writer } } : record;
    const maxBytes = collector.maxRecordBytes(out.topic);
    const bytes = recordBatchBytes(out.key, out.value, out.headers);
    this.sent++;
    if (bytes <= maxBytes) {
      collector.send(out);
      if (out.topic === deadLetterTopic) this.options.onDeadLetter?.(out);
      return;
    }
    if (chunked) {
      const payload = piecePayloadBytes(out, maxBytes, this.options.writer);
      if (payload !== undefined) {
        const pieces = cutIntoPieces(out, payload, this.options.writer, this.nextGroup++);
        this.metrics.recordsChunked++;
        this.metrics.chunkPiecesWritten += pieces.length;
        for (const piece of pieces) collector.send(piece);
        return;
      }
    }
    if (out.topic === deadLetterTopic) {
      this.sendWithoutValue(out, maxBytes);
      return;
    }
    this.metrics.oversizeDeadLetters++;
    const error = new RecordTooLargeError(out.topic, out.partition, bytes, maxBytes);
    const at = this.options.currentInput() ?? { topic: out.topic, partition: out.partition, offset: '-1' };
    const count = collector.partitionCount(deadLetterTopic);
    this.send({
      topic: deadLetterTopic,
      partition: at.partition >= 0 ? at.partition % count : 0,
      key: out.key,
      value: out.value,
      timestamp: out.timestamp,
      headers: deadLetterHeaders(out.headers, at, error.name, error.message),
    });
  }

  /** A dead letter whose value does not fit: its headers name the size; if even they do not fit, only ours stay. */
  private sendWithoutValue(record: OutputRecord, maxBytes: number): void {
    this.metrics.deadLetterValuesOmitted++;
    let headers: Headers = { ...record.headers, [DLQ_HEADER_VALUE_OMITTED]: String(record.value?.length ?? 0) };
    let key = record.key;
    if (recordBatchBytes(key, null, headers) > maxBytes) {
      const ours: Headers = {};
      for (const name in headers) if (name.startsWith('cdc-streams.')) ours[name] = headers[name];
      headers = ours;
      if (recordBatchBytes(key, null, headers) > maxBytes) key = null;
    }
    const omitted = { ...record, key, value: null, headers };
    this.options.collector.send(omitted);
    this.options.onDeadLetter?.(omitted);
  }
}
