import type { Admin, Consumer, Kafka } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { GlobalRecord, GlobalStores } from '../global-stores.js';
import { fetchPartitionOffsets } from './client-facade.js';

export class GlobalStoreReadError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'GLOBAL_STORE_READ', cause });
  }
}

export interface GlobalStoreReaderOptions {
  /** A group of this instance alone (global tables are read whole by every instance); deleted at close. */
  readonly groupId: string;
  readonly logger: Logger;
  /** Told when reading fails after start-up; the application must stop. */
  readonly onError: (error: GlobalStoreReadError) => void;
}

/**
 * Fills the instance's global stores from their topics (Kafka Streams' global stream thread): `start`
 * reads every partition from the beginning to the end offsets seen at start (read_committed) and
 * resolves once all are reached; the consumer then keeps following the topics, applying updates as
 * they come. Offsets are never committed: a restarted instance reads the topics whole again.
 */
export class GlobalStoreReader {
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly stores: GlobalStores,
    private readonly options: GlobalStoreReaderOptions,
  ) {}

  async start(): Promise<void> {
    const topics = [...this.stores.topics().keys()];
    if (topics.length === 0) return;
    const behind = new Map<string, bigint>();
    const existing = new Set(await this.admin.listTopics());
    for (const topic of topics) {
      if (!existing.has(topic)) throw new GlobalStoreReadError(`global table topic '${topic}' does not exist`);
      for (const o of await fetchPartitionOffsets(this.admin, topic)) if (o.high > o.low) behind.set(`${topic}/${o.partition}`, o.high);
    }
    let caughtUp!: () => void;
    let failed!: (error: GlobalStoreReadError) => void;
    const ready = new Promise<void>((resolve, reject) => {
      caughtUp = resolve;
      failed = reject;
    });
    let bootstrapping = true;
    const advance = (topic: string, partition: number, next: bigint): void => {
      const key = `${topic}/${partition}`;
      const end = behind.get(key);
      if (end !== undefined && next >= end) behind.delete(key);
      if (bootstrapping && behind.size === 0) {
        bootstrapping = false;
        caughtUp();
      }
    };
    const fail = (error: GlobalStoreReadError): void => {
      if (bootstrapping) failed(error);
      else this.options.onError(error);
    };
    const consumer = this.kafka.consumer({ groupId: this.options.groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) fail(new GlobalStoreReadError(`reading global tables ${topics.join(', ')} failed: ${event.payload.error.message}`, event.payload.error));
    });
    // Also fired for fetches holding only transaction markers, which never reach eachBatch.
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => advance(event.payload.topic, event.payload.partition, BigInt(event.payload.lastOffset) + 1n));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const records: GlobalRecord[] = batch.messages.map((m) => ({ key: m.key, value: m.value, offset: m.offset }));
        try {
          await this.stores.apply(batch.topic, batch.partition, records);
        } catch (error) {
          fail(new GlobalStoreReadError(`applying ${batch.topic}/${batch.partition} to its global store failed`, error));
          throw error;
        }
        if (records.length > 0) resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
    if (behind.size === 0) {
      bootstrapping = false;
      caughtUp();
    }
    await ready;
    this.options.logger.info('global tables read', { topics });
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    this.consumer = undefined;
    await consumer.disconnect();
    try {
      await this.admin.deleteGroups([this.options.groupId]);
    } catch (error) {
      // The group has no offsets and expires on its own; only a leftover name in the group list.
      this.options.logger.warn('could not delete the global tables consumer group', { groupId: this.options.groupId, error: String(error) });
    }
  }
}
