// What code outside the runtime that needs Kafka (the CLI's tools in src/kafka-tools/, the local broker
// launcher in src/local-broker/) gets from src/runtime/kafka/, the only folder that imports kafkajs:
// connected clients with plain types, made the one way (createKafkaClient: SASL, TLS, logging) and
// connected with connectExplained's one-line SASL/TLS errors. No kafkajs type crosses this file.
import type { Admin, Producer } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import type { KafkaConnection } from '../kafka-connection-config.js';
import { createTopicsWithLeaders } from './create-topics.js';
import { createKafkaClient } from './kafka-client.js';
import { connectExplained } from './kafka-connect-errors.js';
import { whenKafkaReady } from './kafka-not-ready.js';
import { startThrowawayRead, type ThrowawayRead, type ThrowawayReadOptions } from './throwaway-reader.js';

export { oneLine, probeBroker, waitForBroker, type ProbeOptions, type WaitOptions } from './broker-probe.js';
export type { FetchedBatch, FetchedHeaders, FetchedRecord, ReadStart, ThrowawayRead, ThrowawayReadOptions } from './throwaway-reader.js';

/** Per-partition offsets: `low` is the first offset kept, `high` the next one to be written (read_committed end). */
export interface PartitionOffsets {
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

export interface NewTopic {
  readonly topic: string;
  readonly partitions: number;
  readonly config?: Readonly<Record<string, string>>;
}

export interface TopicPartitionLeaders {
  readonly name: string;
  /** One entry per partition; `leader` is -1 while it has none. */
  readonly partitions: readonly { readonly partition: number; readonly leader: number }[];
}

/** The admin operations the tools use. */
export interface KafkaAdminClient {
  listTopics(): Promise<string[]>;
  topicMetadata(topics: readonly string[]): Promise<TopicPartitionLeaders[]>;
  /** Sorted by partition. The topic must exist. */
  partitionOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Creates the topics and waits until every partition has a leader that answers (createTopicsWithLeaders). */
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  /** Grows the topic to `count` partitions (without waiting for their leaders). */
  createPartitions(topic: string, count: number): Promise<void>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  resetOffsetsToEarliest(groupId: string, topic: string): Promise<void>;
  listGroups(): Promise<string[]>;
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

export async function connectAdmin(connection: KafkaConnection, logger: Logger, clientIdSuffix = '-admin'): Promise<KafkaAdminClient> {
  const admin = createKafkaClient(connection, logger, clientIdSuffix).admin();
  await connectExplained(admin, connection);
  return adminClient(admin);
}

/** Partition offsets through an existing kafkajs admin (the runtime's own use); sorted by partition. */
export async function fetchPartitionOffsets(admin: Pick<Admin, 'fetchTopicOffsets'>, topic: string): Promise<PartitionOffsets[]> {
  // A topic another process created a moment ago may not have its leader yet.
  const offsets = await whenKafkaReady(`reading the offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
  return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })).sort((a, b) => a.partition - b.partition);
}

function adminClient(admin: Admin): KafkaAdminClient {
  return {
    listTopics: () => admin.listTopics(),
    topicMetadata: async (topics) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      return metadata.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader })) }));
    },
    partitionOffsets: (topic) => fetchPartitionOffsets(admin, topic),
    createTopics: (topics) =>
      createTopicsWithLeaders(
        admin,
        topics.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      ),
    createPartitions: async (topic, count) => {
      await admin.createPartitions({ topicPartitions: [{ topic, count }] });
    },
    deleteTopics: (topics) => admin.deleteTopics({ topics: [...topics] }),
    resetOffsetsToEarliest: (groupId, topic) => admin.resetOffsets({ groupId, topic, earliest: true }),
    listGroups: async () => (await admin.listGroups()).groups.map((g) => g.groupId),
    deleteGroups: async (groupIds) => {
      await admin.deleteGroups([...groupIds]);
    },
    disconnect: () => admin.disconnect(),
  };
}

/** A record to write to an explicit partition. */
export interface ProducedRecord {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch ms; the broker's time when absent. */
  readonly timestamp?: number;
  readonly headers?: Readonly<Record<string, Buffer | string>>;
}

/** The broker's answer for one partition of a batch; errorCode 0 is success. */
export interface PartitionAck {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
}

/** An idempotent producer (one request in flight, acks all) writing whole batches. */
export interface BatchProducer {
  sendBatch(topic: string, records: readonly ProducedRecord[]): Promise<PartitionAck[]>;
  disconnect(): Promise<void>;
}

/**
 * A fresh producer loads fresh metadata: kafkajs drops, without an error, records for a partition its
 * cached metadata does not know, so a caller that grew a topic must connect a new one.
 */
export async function connectBatchProducer(connection: KafkaConnection, logger: Logger, clientIdSuffix = '-writer'): Promise<BatchProducer> {
  const producer = createKafkaClient(connection, logger, clientIdSuffix).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await connectExplained(producer, connection);
  return batchProducer(producer);
}

function batchProducer(producer: Producer): BatchProducer {
  return {
    sendBatch: async (topic, records) => {
      const acks = await producer.sendBatch({
        acks: -1,
        topicMessages: [
          {
            topic,
            messages: records.map((r) => ({
              partition: r.partition,
              key: r.key,
              value: r.value,
              ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
              ...(r.headers === undefined ? {} : { headers: { ...r.headers } }),
            })),
          },
        ],
      });
      return acks.map((a) => ({ topic: a.topicName, partition: a.partition, errorCode: a.errorCode }));
    },
    disconnect: () => producer.disconnect(),
  };
}

/** startThrowawayRead with a client made from `connection`. */
export async function startThrowawayReadOf(connection: KafkaConnection, options: ThrowawayReadOptions, clientIdSuffix = '-reader'): Promise<ThrowawayRead> {
  const kafka = createKafkaClient(connection, options.logger, clientIdSuffix);
  return startThrowawayRead(kafka, options);
}
