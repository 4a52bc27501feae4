import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../common/constants.js';
import { CdcStreamsError } from '../common/errors.js';
import type { InputRecord, OutputRecord } from '../runtime/task/input-record.js';
import type { RecordCollector } from '../runtime/task/record-collector.js';
import { recordBatchBytes } from '../runtime/task/record-size.js';
import { RecordTooLargeError } from '../runtime/task/task-output.js';

export class UnknownTopicError extends CdcStreamsError {
  constructor(topic: string) {
    super(`topic '${topic}' does not exist in the test driver; declare it in the driver's \`topics\` option`, { code: 'UNKNOWN_TOPIC' });
  }
}

/**
 * Topics held in memory for the TopologyTestDriver: partitions are arrays, offsets are indexes. Like a
 * broker, a topic refuses a record bigger than its `max.message.bytes` (Kafka's default unless set).
 */
export class InMemoryTopics implements RecordCollector {
  private readonly topics = new Map<string, InputRecord[][]>();
  private readonly limits = new Map<string, number>();

  constructor(private readonly defaultMaxMessageBytes = KAFKA_DEFAULT_MAX_MESSAGE_BYTES) {}
  /** Every record of a topic in append order, across partitions, for reading outputs in order. */
  private readonly appendLog = new Map<string, InputRecord[]>();

  ensure(topic: string, partitions: number): void {
    const existing = this.topics.get(topic);
    if (existing === undefined) {
      this.topics.set(topic, Array.from({ length: partitions }, () => []));
      this.appendLog.set(topic, []);
      return;
    }
    while (existing.length < partitions) existing.push([]);
  }

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  partitionCount(topic: string): number {
    const partitions = this.topics.get(topic);
    if (partitions === undefined) throw new UnknownTopicError(topic);
    return partitions.length;
  }

  /** Sets a topic's `max.message.bytes`. */
  setMaxMessageBytes(topic: string, bytes: number): void {
    this.limits.set(topic, bytes);
  }

  maxRecordBytes(topic: string): number {
    return this.limits.get(topic) ?? this.defaultMaxMessageBytes;
  }

  send(record: OutputRecord): void {
    const bytes = recordBatchBytes(record.key, record.value, record.headers);
    const limit = this.maxRecordBytes(record.topic);
    if (bytes > limit) throw new RecordTooLargeError(record.topic, record.partition, bytes, limit);
    this.append(record);
  }

  append(record: OutputRecord): InputRecord {
    const partitions = this.topics.get(record.topic);
    if (partitions === undefined) throw new UnknownTopicError(record.topic);
    const partition = partitions[record.partition];
    if (partition === undefined) {
      throw new CdcStreamsError(`topic '${record.topic}' has no partition ${record.partition}`, { code: 'UNKNOWN_PARTITION' });
    }
    const stored: InputRecord = { ...record, offset: String(partition.length) };
    partition.push(stored);
    this.appendLog.get(record.topic)!.push(stored);
    return stored;
  }

  /** Records of one partition from `offset` on. */
  read(topic: string, partition: number, offset: number): readonly InputRecord[] {
    const records = this.topics.get(topic)?.[partition];
    return records === undefined ? [] : records.slice(offset);
  }

  endOffset(topic: string, partition: number): number {
    return this.topics.get(topic)?.[partition]?.length ?? 0;
  }

  /** All records of a topic in the order they were appended, across partitions. */
  log(topic: string): readonly InputRecord[] {
    const log = this.appendLog.get(topic);
    if (log === undefined) throw new UnknownTopicError(topic);
    return log;
  }
}
