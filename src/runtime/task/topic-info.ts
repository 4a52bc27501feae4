import type { InputPartitionsReading } from '../../processor/processor-context.js';

/**
 * What a task needs to know about topics while it processes, answered synchronously: partition counts
 * (to partition its output), size limits (to cut or set aside records too big), how fresh its input
 * topics' counts are, and how many times the group was rebalanced (the readers of its output topics
 * may have restarted since). The Kafka runtime answers from its metadata; a task in a worker thread from a
 * mirror the main thread keeps up to date; the test driver from its in-memory topics.
 */
export interface TopicInfo {
  /** Throws naming the topic if it is unknown. */
  partitionCount(topic: string): number;
  maxRecordBytes(topic: string): number;
  inputPartitions(topics: readonly string[]): InputPartitionsReading;
  /** Task assignments the instance has applied (ProcessorContext.groupRebalances). */
  groupRebalances(): number;
}
