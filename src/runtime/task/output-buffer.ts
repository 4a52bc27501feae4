import type { OutputRecord } from './input-record.js';
import type { RecordCollector } from './record-collector.js';
import type { TopicInfo } from './topic-info.js';

/**
 * A task's collector when the host sends its records: what the task writes is kept, in order, until the
 * host takes it after each step of work (a batch, a punctuation, a commit's changelog records).
 */
export class OutputBuffer implements RecordCollector {
  private records: OutputRecord[] = [];

  constructor(private readonly topics: TopicInfo) {}

  send(record: OutputRecord): void {
    this.records.push(record);
  }

  partitionCount(topic: string): number {
    return this.topics.partitionCount(topic);
  }

  maxRecordBytes(topic: string): number {
    return this.topics.maxRecordBytes(topic);
  }

  /** Everything written since the last call. */
  take(): OutputRecord[] {
    const taken = this.records;
    if (taken.length > 0) this.records = [];
    return taken;
  }
}
