import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';
import type { Headers } from '../../common/headers.js';
import type { OutputRecord } from '../task/input-record.js';
import type { RecordCollector } from '../task/record-collector.js';
import { recordBatchBytes } from '../task/record-size.js';
import { isFencing } from './kafka-records.js';
import type { TopicMetadata } from './topic-metadata.js';

const MAX_BATCH_BYTES = 768 * 1024;

/** One topic's share of the buffer: its messages and the bytes buffered per partition. */
interface TopicBuffer {
  readonly messages: Message[];
  readonly partitionBytes: number[];
  readonly maxBytes: number;
}

/** The client returned from a send without acknowledging some partition's records. */
export class UnacknowledgedRecordsError extends CdcStreamsError {
  constructor(topicPartition: string, count: number) {
    super(`${count} records for ${topicPartition} were not acknowledged (the producer's metadata may not know that partition yet)`, {
      code: 'RECORDS_NOT_ACKNOWLEDGED',
      retriable: true,
    });
  }
}

/** Sending records failed; names where they were going, which the client's own error does not. */
export class ProduceFailedError extends CdcStreamsError {
  constructor(destinations: readonly string[], cause: unknown) {
    const shown = destinations.slice(0, 8).join(', ') + (destinations.length > 8 ? `, and ${destinations.length - 8} more` : '');
    super(`sending records to ${shown} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      code: 'PRODUCE_FAILED',
      retriable: cause instanceof CdcStreamsError ? cause.retriable : false,
      cause,
    });
  }
}

/** Sends one batch of records (to a plain producer, or inside a transaction). */
export type BatchSender = (batch: TopicMessages[]) => Promise<RecordMetadata[]>;

function kafkaHeaders(headers: Headers): Record<string, Buffer | string> | undefined {
  let result: Record<string, Buffer | string> | undefined;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    (result ??= {})[key] = value;
  }
  return result;
}

/**
 * A RecordCollector over a kafkajs producer. `send` only buffers; every `batchRecords` records one
 * `sendBatch` is started, one at a time in order (so order per partition holds without relying on
 * in-flight settings). A send failure is remembered and rethrown by the next `send` or `flush`, never
 * lost (as Kafka Streams' RecordCollectorImpl does).
 */
export class ProducerCollector implements RecordCollector {
  private buffer = new Map<string, TopicBuffer>();
  private buffered = 0;
  private bufferedBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private lastOffsets = new Map<string, string>();
  /** Records handed to `send`, per topic (for metrics). */
  readonly sentPerTopic = new Map<string, number>();

  constructor(
    private readonly sender: BatchSender,
    private readonly metadata: TopicMetadata,
    private readonly batchRecords: number,
  ) {}

  partitionCount(topic: string): number {
    return this.metadata.partitionCount(topic);
  }

  maxRecordBytes(topic: string): number {
    return this.metadata.maxRecordBytes(topic);
  }

  send(record: OutputRecord): void {
    if (this.failure !== undefined) throw this.failure;
    const bytes = recordBatchBytes(record.key, record.value, record.headers);
    let topic = this.buffer.get(record.topic);
    // A partition's share of one request is one record batch, which the broker refuses above the
    // topic's max.message.bytes: a record that would take its partition's batch past that goes in the
    // next request (a record alone always fits: tasks cut or set aside bigger ones).
    if (topic !== undefined && (topic.partitionBytes[record.partition] ?? 0) + bytes > topic.maxBytes) {
      this.dispatch();
      topic = undefined;
    }
    if (topic === undefined) {
      topic = { messages: [], partitionBytes: [], maxBytes: this.metadata.maxRecordBytes(record.topic) };
      this.buffer.set(record.topic, topic);
    }
    const headers = kafkaHeaders(record.headers);
    topic.messages.push({
      partition: record.partition,
      key: record.key,
      value: record.value,
      timestamp: String(record.timestamp),
      ...(headers === undefined ? {} : { headers }),
    });
    topic.partitionBytes[record.partition] = (topic.partitionBytes[record.partition] ?? 0) + bytes;
    this.sentPerTopic.set(record.topic, (this.sentPerTopic.get(record.topic) ?? 0) + 1);
    this.bufferedBytes += bytes;
    if (++this.buffered >= this.batchRecords || this.bufferedBytes >= MAX_BATCH_BYTES) this.dispatch();
  }

  /**
   * Sends what is buffered, waits for every send to be acknowledged, and returns the offset of the last
   * record written to each `<topic>:<partition>` since the previous flush.
   */
  async flush(): Promise<ReadonlyMap<string, string>> {
    this.dispatch();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
    const offsets = this.lastOffsets;
    this.lastOffsets = new Map();
    return offsets;
  }

  /** Drops what is buffered and forgets a failure (after a transaction abort). */
  reset(): void {
    this.buffer = new Map();
    this.buffered = 0;
    this.bufferedBytes = 0;
    this.failure = undefined;
    this.lastOffsets = new Map();
  }

  /**
   * Starts sending what is buffered without waiting for it (like the producer's linger ending): called
   * after each processed batch, so records reach the broker — and a downstream sub-topology reading a
   * repartition topic — without waiting for the commit.
   */
  sendBuffered(): void {
    if (this.failure !== undefined) throw this.failure;
    this.dispatch();
  }

  private dispatch(): void {
    if (this.buffered === 0) return;
    const batch: TopicMessages[] = [];
    const counts = new Map<string, number>();
    for (const [topic, { messages }] of this.buffer) {
      batch.push({ topic, messages });
      for (const m of messages) {
        const key = `${topic}:${m.partition!}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    this.buffer = new Map();
    this.buffered = 0;
    this.bufferedBytes = 0;
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        const results = await this.sender(batch);
        const acknowledged = new Set<string>();
        for (const r of results) {
          const key = `${r.topicName}:${r.partition}`;
          const count = counts.get(key);
          if (count === undefined || r.baseOffset === undefined) continue;
          acknowledged.add(key);
          this.lastOffsets.set(key, String(BigInt(r.baseOffset) + BigInt(count - 1)));
        }
        // kafkajs drops, without an error, records for a partition its metadata does not know yet (a
        // topic that just grew): never let that pass as written.
        for (const [key, count] of counts) if (!acknowledged.has(key)) throw new UnacknowledgedRecordsError(key, count);
      } catch (error) {
        // A fenced transactional producer is recognised by its own error: pass that on unchanged.
        this.failure = isFencing(error) ? error : new ProduceFailedError([...counts.keys()].map((k) => k.replace(/:(\d+)$/, '/$1')), error);
      }
    });
  }
}
