import type { Kafka, Producer, Transaction } from 'kafkajs';
import type { TaskCommitOutcome } from '../task/commit-protocol.js';
import type { OutputRecord } from '../task/input-record.js';
import { CdcStreamsError } from '../../common/errors.js';
import { retry } from '../../common/retry.js';
import { isConcurrentTransactions, isFencing } from './kafka-records.js';
import type { ChannelCommit, ProcessingGuarantee, TaskChannel } from './processing-guarantee.js';
import { ProducerCollector } from './producer-collector.js';
import type { TopicMetadata } from './topic-metadata.js';
import { TransactionStateMachine } from './transaction-state.js';

/** The coordinator still completes the task's previous transaction: try again shortly. */
class PreviousTransactionPendingError extends CdcStreamsError {
  constructor(taskId: string, cause: unknown) {
    super(`task ${taskId}: the previous transaction is still being completed`, { code: 'CONCURRENT_TRANSACTIONS', retriable: true, cause });
  }
}

/**
 * One task's transactional producer. Its transactional id is the task's (`<applicationId>-<taskId>`):
 * kafkajs' sendOffsets carries no consumer-group generation (KIP-447), so only a per-task id lets a new
 * owner fence a zombie and abort its open transaction at once, as Kafka Streams' first exactly-once
 * mode did. Records go into the open transaction as they are sent; a commit adds the input offsets.
 */
class TransactionalChannel implements TaskChannel {
  readonly state: TransactionStateMachine;
  readonly collector: ProducerCollector;
  private transaction: Transaction | undefined;

  constructor(
    readonly taskId: string,
    private readonly producer: Producer,
    metadata: TopicMetadata,
    batchRecords: number,
  ) {
    this.state = new TransactionStateMachine(taskId);
    this.collector = new ProducerCollector(async (batch) => (await this.currentTransaction()).sendBatch({ topicMessages: batch }), metadata, batchRecords);
  }

  send(records: readonly OutputRecord[]): void {
    if (records.length === 0) return;
    if (this.state.is('READY')) this.state.transitionTo('IN_TRANSACTION');
    for (const record of records) this.collector.send(record);
    this.collector.sendBuffered();
  }

  /** Flushes, adds the input offsets, commits; returns the last offsets written per topic-partition. */
  async commit(groupId: string, partition: number, offsets: ReadonlyMap<string, string>): Promise<TaskCommitOutcome> {
    if (this.state.is('READY') && offsets.size === 0) return { kind: 'committed', lastOffsets: await this.collector.flush() };
    this.state.transitionTo('COMMITTING');
    try {
      const lastOffsets = await this.collector.flush();
      const transaction = await this.currentTransaction();
      if (offsets.size > 0) {
        const topics = [...offsets].map(([topic, offset]) => ({ topic, partitions: [{ partition, offset }] }));
        await retry(
          async () => {
            try {
              await transaction.sendOffsets({ consumerGroupId: groupId, topics });
            } catch (error) {
              if (isConcurrentTransactions(error)) throw new PreviousTransactionPendingError(this.taskId, error);
              throw error;
            }
          },
          { retries: 12, initialDelayMs: 50, maxDelayMs: 2000, operation: `adding the input offsets of task ${this.taskId} to its transaction` },
        );
      }
      await transaction.commit();
      this.transaction = undefined;
      this.state.transitionTo('READY');
      return { kind: 'committed', lastOffsets, commitMarkers: true };
    } catch (error) {
      if (!isFencing(error)) throw error;
      // Another instance owns the task now and fenced this producer: its work is aborted and redone there.
      this.state.transitionTo('FENCED');
      this.transaction = undefined;
      return { kind: 'fenced' };
    }
  }

  async abort(): Promise<void> {
    if (this.state.is('FENCED') || this.state.is('CLOSED')) return;
    this.state.transitionTo('ABORTING');
    this.collector.reset();
    const transaction = this.transaction;
    this.transaction = undefined;
    try {
      if (transaction !== undefined && transaction.isActive()) await transaction.abort();
      this.state.transitionTo('READY');
    } catch (error) {
      if (!isFencing(error)) throw error;
      this.state.transitionTo('FENCED');
    }
  }

  /**
   * Aborts what is open, then disconnects whatever the abort did: an abort that fails (the broker is
   * gone) must not leave the producer's connections behind. The open transaction is then aborted by the
   * coordinator when the next owner fences the producer, or when it times out. The abort's error is
   * thrown after the disconnect.
   */
  async close(): Promise<void> {
    let abortFailure: unknown;
    if (!this.state.is('FENCED') && !this.state.is('READY')) {
      try {
        await this.abort();
      } catch (error) {
        abortFailure = error;
      }
    }
    this.state.transitionTo('CLOSED');
    await this.producer.disconnect();
    if (abortFailure !== undefined) throw abortFailure;
  }

  private async currentTransaction(): Promise<Transaction> {
    this.transaction ??= await this.producer.transaction();
    return this.transaction;
  }
}

/** exactly_once: one transactional producer per task; outputs, changelog records and input offsets commit together. */
export class ExactlyOnceGuarantee implements ProcessingGuarantee {
  readonly name = 'exactly_once' as const;
  private readonly channels = new Map<TaskChannel, TransactionalChannel>();
  private readonly retiredSent = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly metadata: TopicMetadata,
    private readonly options: { readonly applicationId: string; readonly batchRecords: number; readonly transactionTimeoutMs: number },
  ) {}

  async start(): Promise<void> {}

  /** Connecting initializes the transactional id: the previous owner is fenced and its open transaction aborted. */
  async openChannel(taskId: string): Promise<TaskChannel> {
    const producer = this.kafka.producer({
      transactionalId: `${this.options.applicationId}-${taskId}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const channel = new TransactionalChannel(taskId, producer, this.metadata, this.options.batchRecords);
    this.channels.set(channel, channel);
    return channel;
  }

  commit(requests: readonly ChannelCommit[]): Promise<TaskCommitOutcome[]> {
    // Each task's producer is its own: their transactions commit side by side.
    return Promise.all(requests.map((r) => this.channelOf(r.channel).commit(this.options.applicationId, r.partition, r.offsets)));
  }

  abort(channel: TaskChannel): Promise<void> {
    return this.channelOf(channel).abort();
  }

  async closeChannel(channel: TaskChannel): Promise<void> {
    const own = this.channelOf(channel);
    this.channels.delete(channel);
    for (const [topic, n] of own.collector.sentPerTopic) this.retiredSent.set(topic, (this.retiredSent.get(topic) ?? 0) + n);
    await own.close();
  }

  /** Nothing to do: a task whose changelog grew opens its producer after the growth, with fresh metadata. */
  async topicsGrew(): Promise<void> {}

  recordsSent(): Record<string, number> {
    const sent = new Map(this.retiredSent);
    for (const channel of this.channels.values()) for (const [topic, n] of channel.collector.sentPerTopic) sent.set(topic, (sent.get(topic) ?? 0) + n);
    return Object.fromEntries(sent);
  }

  async close(): Promise<void> {
    for (const channel of [...this.channels.keys()]) await this.closeChannel(channel);
  }

  private channelOf(channel: TaskChannel): TransactionalChannel {
    const own = this.channels.get(channel);
    if (own === undefined) throw new Error(`task ${channel.taskId}: its channel is not open under exactly_once`);
    return own;
  }
}
