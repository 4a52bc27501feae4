import type { OutputRecord } from './input-record.js';

/**
 * Where a task's output goes. `send` is synchronous and only buffers; making the records durable is
 * the commit protocol's job. The Kafka runtime backs this with a (transactional) producer, the test
 * driver with in-memory topics.
 */
export interface RecordCollector {
  send(record: OutputRecord): void;
  /** Current partition count of a physical topic; throws naming the topic if it is unknown. */
  partitionCount(topic: string): number;
  /**
   * The largest record batch the topic accepts (its `max.message.bytes`): a record bigger than this
   * must be cut into pieces or set aside before it is sent.
   */
  maxRecordBytes(topic: string): number;
}
