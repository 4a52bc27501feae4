import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { TaskCommitOutcome } from '../task/commit-protocol.js';
import type { OutputRecord } from '../task/input-record.js';
import type { ChannelCommit, ProcessingGuarantee, TaskChannel } from './processing-guarantee.js';
import { ProducerCollector } from './producer-collector.js';
import type { TopicMetadata } from './topic-metadata.js';

class SharedChannel implements TaskChannel {
  constructor(
    readonly taskId: string,
    private readonly collector: ProducerCollector,
  ) {}

  send(records: readonly OutputRecord[]): void {
    for (const record of records) this.collector.send(record);
    // Like a producer's linger ending: records reach the broker (and downstream tasks) before the commit.
    this.collector.sendBuffered();
  }
}

/**
 * at_least_once: one idempotent producer for every task of the instance; a commit flushes it and then
 * commits every task's offsets through the group's consumer. A crash between the two re-processes what
 * was sent, which the guarantee allows.
 */
export class AtLeastOnceGuarantee implements ProcessingGuarantee {
  readonly name = 'at_least_once' as const;
  private readonly collector: ProducerCollector;
  private producer: Producer;

  constructor(
    private readonly kafka: Kafka,
    metadata: TopicMetadata,
    private readonly consumer: Consumer,
    batchRecords: number,
  ) {
    this.producer = this.newProducer();
    this.collector = new ProducerCollector((batch) => this.producer.sendBatch({ topicMessages: batch, acks: -1 }), metadata, batchRecords);
  }

  async start(): Promise<void> {
    await this.producer.connect();
  }

  async openChannel(taskId: string): Promise<TaskChannel> {
    return new SharedChannel(taskId, this.collector);
  }

  async commit(requests: readonly ChannelCommit[]): Promise<TaskCommitOutcome[]> {
    const lastOffsets = await this.collector.flush();
    const offsets = requests.flatMap((r) => [...r.offsets].map(([topic, offset]) => ({ topic, partition: r.partition, offset })));
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets);
    return requests.map(() => ({ kind: 'committed', lastOffsets }));
  }

  /** What was sent is out; the next owner processes the uncommitted input again. */
  async abort(): Promise<void> {}

  async closeChannel(): Promise<void> {}

  /**
   * kafkajs drops, without an error, records for a partition its metadata does not know, and a
   * producer's metadata is only refreshed every few minutes: a new producer reads it afresh.
   */
  async topicsGrew(): Promise<void> {
    await this.collector.flush();
    const old = this.producer;
    const fresh = this.newProducer();
    await fresh.connect();
    this.producer = fresh;
    await old.disconnect();
  }

  recordsSent(): Record<string, number> {
    return Object.fromEntries(this.collector.sentPerTopic);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private newProducer(): Producer {
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }
}
