import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';
import { createTopicsWithLeaders } from '../../src/runtime/kafka/create-topics.js';
import { whenKafkaReady } from '../../src/runtime/kafka/kafka-not-ready.js';

/** Small helpers for integration tests talking to the real test broker (tests may use kafkajs directly). */
export class KafkaTestKit {
  readonly kafka: Kafka;

  constructor(brokers: string) {
    this.kafka = new Kafka({ clientId: 'it-kit', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await createTopicsWithLeaders(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
    } finally {
      await admin.disconnect();
    }
  }

  async produce(topic: string, messages: ReadonlyArray<{ key: string | Buffer | null; value: string | Buffer | null; partition?: number }>): Promise<void> {
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 2000) {
        const batch = messages.slice(i, i + 2000).map((m) => ({ ...m }));
        // A topic created a moment ago may not be known to every part of a busy broker yet.
        for (let attempt = 1; ; attempt++) {
          try {
            await producer.send({ topic, acks: -1, messages: batch });
            break;
          } catch (error) {
            if (attempt >= 10 || !(error instanceof Error && /does not host this topic-partition/.test(error.message))) throw error;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      }
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * Reads a topic from the start with read_committed (or, `readUncommitted`, every record that reached
   * the log) until `done(messages)` holds, or fails after `timeoutMs` with what it has read.
   */
  async readUntil(
    topic: string,
    done: (messages: readonly KafkaMessage[]) => boolean,
    timeoutMs = 120_000,
    { readUncommitted = false }: { readonly readUncommitted?: boolean } = {},
  ): Promise<Array<KafkaMessage & { partition: number }>> {
    const consumer = this.kafka.consumer({ groupId: `it-read-${randomUUID()}`, readUncommitted });
    const messages: Array<KafkaMessage & { partition: number }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${messages.length} messages of '${topic}' before the time limit`)), timeoutMs);
        consumer.on(consumer.events.CRASH, (event) => {
          if (!event.payload.restart) reject(event.payload.error);
        });
        consumer
          .run({
            eachMessage: async ({ message, partition }) => {
              messages.push({ ...message, partition });
              if (done(messages)) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }

  /** Each partition's end offset (high watermark), by partition. */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await whenKafkaReady(`reading the offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** The group's committed offset per partition of `topic` (-1n where it has none). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await whenKafkaReady(`reading the offsets of group ${groupId}`, () => admin.fetchOffsets({ groupId, topics: [topic] }));
      return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads everything committed on a topic whose writers have stopped: from the start with
   * read_committed until every partition's position passes the end offset taken first (transaction
   * markers and aborted records count as passed, though they are not returned). A transaction left
   * open keeps it from reaching the end, so it fails after `timeoutMs`.
   */
  async readAll(topic: string, timeoutMs = 120_000): Promise<Array<KafkaMessage & { partition: number }>> {
    const ends = await this.endOffsets(topic);
    const position = new Map<number, bigint>([...ends.keys()].map((p) => [p, 0n]));
    const caughtUp = () => [...ends].every(([p, end]) => (position.get(p) ?? 0n) >= end);
    const messages: Array<KafkaMessage & { partition: number }> = [];
    if (caughtUp()) return messages;
    const consumer = this.kafka.consumer({ groupId: `it-read-${randomUUID()}`, readUncommitted: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const where = [...ends].map(([p, end]) => `${p}: ${position.get(p) ?? 0n}/${end}`).join(', ');
          reject(new Error(`read ${messages.length} messages of '${topic}' but did not reach its end (${where}) before the time limit`));
        }, timeoutMs);
        consumer.on(consumer.events.CRASH, (event) => {
          if (!event.payload.restart) reject(event.payload.error);
        });
        // Batches holding only markers or aborted records never reach eachMessage; this event still reports them.
        consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
          const next = BigInt(event.payload.lastOffset) + 1n;
          if (next > (position.get(event.payload.partition) ?? 0n)) position.set(event.payload.partition, next);
          if (caughtUp()) {
            clearTimeout(timer);
            resolve();
          }
        });
        consumer
          .run({
            eachMessage: async ({ message, partition }) => {
              messages.push({ ...message, partition });
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }
}
