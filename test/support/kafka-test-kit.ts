import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';

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
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  async produce(topic: string, messages: ReadonlyArray<{ key: string | Buffer | null; value: string | Buffer | null; partition?: number }>): Promise<void> {
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 2000) {
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000).map((m) => ({ ...m })) });
      }
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * Reads a topic from the start with read_committed until `done(messages)` holds, or fails after
   * `timeoutMs` with what it has read.
   */
  async readUntil(
    topic: string,
    done: (messages: readonly KafkaMessage[]) => boolean,
    timeoutMs = 120_000,
  ): Promise<Array<KafkaMessage & { partition: number }>> {
    const consumer = this.kafka.consumer({ groupId: `it-read-${randomUUID()}`, readUncommitted: false });
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
}
