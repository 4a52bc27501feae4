import type { Kafka, Producer, Transaction } from 'kafkajs';
import type { TopicMetadata } from './topic-metadata.js';
import { ProducerCollector } from './producer-collector.js';

/**
 * The producer of one task under exactly_once. Its transactional id is the task's
 * (`<applicationId>-<taskId>`): kafkajs' sendOffsets carries no consumer-group generation (KIP-447), so
 * only a per-task id lets a new owner fence a zombie and abort its open transaction at once, as Kafka
 * Streams' first exactly-once mode did.
 */
export class TaskTransactionalProducer {
  readonly collector: ProducerCollector;
  private transaction: Transaction | undefined;

  private constructor(private readonly producer: Producer, metadata: TopicMetadata, batchRecords: number) {
    this.collector = new ProducerCollector(async (batch) => (await this.currentTransaction()).sendBatch({ topicMessages: batch }), metadata, batchRecords);
  }

  /** Connecting initializes the transactional id: the previous owner is fenced and its open transaction aborted. */
  static async open(kafka: Kafka, transactionalId: string, metadata: TopicMetadata, options: { batchRecords: number; transactionTimeoutMs: number }): Promise<TaskTransactionalProducer> {
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: options.transactionTimeoutMs,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return new TaskTransactionalProducer(producer, metadata, options.batchRecords);
  }

  /** Flushes, adds the input offsets, commits; returns the last changelog offsets written. */
  async commit(
    groupId: string,
    offsets: ReadonlyArray<{ topic: string; partition: number; offset: string }>,
  ): Promise<ReadonlyMap<string, string>> {
    const last = await this.collector.flush();
    if (this.transaction === undefined && offsets.length === 0) return last;
    const transaction = await this.currentTransaction();
    if (offsets.length > 0) {
      const topics = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const o of offsets) {
        const list = topics.get(o.topic) ?? [];
        list.push({ partition: o.partition, offset: o.offset });
        topics.set(o.topic, list);
      }
      await transaction.sendOffsets({ consumerGroupId: groupId, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
    }
    await transaction.commit();
    this.transaction = undefined;
    return last;
  }

  async abort(): Promise<void> {
    this.collector.reset();
    const transaction = this.transaction;
    this.transaction = undefined;
    if (transaction !== undefined && transaction.isActive()) await transaction.abort();
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private async currentTransaction(): Promise<Transaction> {
    this.transaction ??= await this.producer.transaction();
    return this.transaction;
  }
}
