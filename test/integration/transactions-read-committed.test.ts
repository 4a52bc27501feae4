import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('a read_committed consumer after one committed and one aborted transaction', () => {
  const topic = `it-txn-${randomUUID()}`;
  // kafkajs logs retriable start-up hiccups (coordinator loading) as errors; real failures reject or crash.
  const kafka = new Kafka({ clientId: 'it-txn', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const committed = ['committed-0', 'committed-1', 'committed-2', 'committed-3', 'committed-4'];
  const aborted = ['aborted-0', 'aborted-1', 'aborted-2', 'aborted-3', 'aborted-4'];

  /** Reads the topic from the start until `until` values arrived; returns all values in order. */
  async function readValues(readUncommitted: boolean, until: number): Promise<string[]> {
    const consumer: Consumer = kafka.consumer({ groupId: `it-txn-${randomUUID()}`, readUncommitted });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) reject(event.payload.error);
      });
      consumer
        .run({
          eachMessage: async ({ message }: { message: KafkaMessage }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length === until) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return values;
  }

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const producer = kafka.producer({
      transactionalId: `it-txn-${randomUUID()}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    // Aborted first: once the consumer has the committed batch it has necessarily read past the aborted one.
    const toAbort = await producer.transaction();
    await toAbort.send({ topic, messages: aborted.map((value) => ({ key: 'k', value })) });
    await toAbort.abort();
    const toCommit = await producer.transaction();
    await toCommit.send({ topic, messages: committed.map((value) => ({ key: 'k', value })) });
    await toCommit.commit();
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('sees exactly the committed batch', async () => {
    expect(await readValues(false, committed.length)).toEqual(committed);
  });

  it('a read_uncommitted consumer sees the aborted batch too, so the aborted records did reach the log', async () => {
    expect(await readValues(true, aborted.length + committed.length)).toEqual([...aborted, ...committed]);
  });
});
