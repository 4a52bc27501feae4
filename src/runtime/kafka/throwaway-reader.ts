import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../common/logger.js';

/** Where reading one partition starts. */
export interface ReadStart {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** Headers as Kafka delivers them: a name may come more than once; callers choose which value counts. */
export type FetchedHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export interface FetchedRecord {
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: FetchedHeaders;
  /** Epoch ms. */
  readonly timestamp: number;
}

export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The fetch's records at or after the partition's start offset. */
  readonly records: readonly FetchedRecord[];
  /** The last offset of the fetch, including records below the start. */
  readonly lastOffset: bigint;
}

export interface ThrowawayReadOptions {
  /** The group is `<groupPrefix>-<uuid>`, deleted when the read stops. */
  readonly groupPrefix: string;
  readonly readCommitted: boolean;
  readonly starts: readonly ReadStart[];
  readonly logger: Logger;
  /**
   * One fetch of a started partition; the next fetch of that partition waits until it resolves. A
   * caller that buffers keeps the group alive with `heartbeat` while it waits.
   */
  readonly onBatch: (batch: FetchedBatch, consumer: { heartbeat(): Promise<void>; isRunning(): boolean }) => Promise<void>;
  /**
   * The consumer's position on a partition is now `next`. Fired for every fetch, including those that
   * held only transaction markers or aborted records and so never reach `onBatch`: without it a
   * partition ending in a commit marker would never look read to the end.
   */
  readonly onPassed: (topic: string, partition: number, next: bigint) => void;
  /** The consumer crashed and kafkajs will not restart it. */
  readonly onFailure: (error: Error) => void;
}

export interface ThrowawayRead {
  /** Disconnects the consumer and deletes its group. */
  stop(): Promise<void>;
}

/**
 * Reads partitions from given offsets without committing anything, for reads that are not part of
 * the application's consumer group: the CLI's topic reader and changelog restore. kafkajs has no
 * manual assignment, so the consumer joins a throwaway group of its own (a unique id, deleted at the
 * end; it never commits, so a group left behind holds nothing and the broker expires it) and seeks
 * each partition to its start once the group is joined.
 */
export async function startThrowawayRead(kafka: Kafka, options: ThrowawayReadOptions): Promise<ThrowawayRead> {
  if (options.starts.length === 0) return { stop: () => Promise.resolve() };
  const groupId = `${options.groupPrefix}-${randomUUID()}`;
  const start = new Map(options.starts.map((s) => [key(s.topic, s.partition), s.offset] as const));
  const consumer = kafka.consumer({ groupId, readUncommitted: !options.readCommitted, allowAutoTopicCreation: false });
  const stop = async (): Promise<void> => {
    await consumer.disconnect();
    await deleteThrowawayGroup(kafka, groupId, options.logger);
  };
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) options.onFailure(event.payload.error);
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const { topic, partition, lastOffset } = event.payload;
    if (start.has(key(topic, partition))) options.onPassed(topic, partition, BigInt(lastOffset) + 1n);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(options.starts.map((s) => s.topic))], fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // Seeking is only allowed once the group is joined (right after run() it races and throws);
      // until then fetches start elsewhere and the records below each start are dropped.
      for (const s of options.starts) consumer.seek({ topic: s.topic, partition: s.partition, offset: s.offset.toString() });
      // The group hands this consumer every partition of the topics: the ones not asked for are paused,
      // or each fetch would carry (and decode) up to a MiB of each of them, starving the ones asked for.
      const unwanted = Object.entries(event.payload.memberAssignment)
        .map(([topic, partitions]) => ({ topic, partitions: partitions.filter((partition) => !start.has(key(topic, partition))) }))
        .filter((entry) => entry.partitions.length > 0);
      if (unwanted.length > 0) consumer.pause(unwanted);
    });
    await run(consumer, start, options);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

async function run(consumer: Consumer, start: ReadonlyMap<string, bigint>, options: ThrowawayReadOptions): Promise<void> {
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat, isRunning }) => {
      // Partitions not asked for are fetched and dropped until the join pauses them.
      const first = start.get(key(batch.topic, batch.partition));
      if (first === undefined) return;
      const records: FetchedRecord[] = [];
      for (const m of batch.messages) {
        const offset = BigInt(m.offset);
        if (offset < first) continue;
        records.push({ offset, key: m.key, value: m.value, headers: m.headers ?? {}, timestamp: Number(m.timestamp) });
      }
      await options.onBatch({ topic: batch.topic, partition: batch.partition, records, lastOffset: BigInt(batch.lastOffset()) }, { heartbeat, isRunning });
    },
  });
}

async function deleteThrowawayGroup(kafka: Kafka, groupId: string, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (error) {
    // It never committed, so a leftover group holds nothing; the broker expires it. Say so and go on.
    logger.warn(`could not delete the throwaway consumer group ${groupId}`, { err: error });
  } finally {
    await admin.disconnect();
  }
}

function key(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}
