import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const PARTITIONS = 6;
const MESSAGES = 10_000;
const KEYS = 250;
const BATCH = 500;

interface Seen {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly seq: number;
}

describe('a 6-partition topic fed 10,000 keyed messages', () => {
  const topic = `it-keyed-order-${randomUUID()}`;
  // kafkajs logs retriable start-up hiccups (coordinator loading) as errors; real failures reject or crash.
  const kafka = new Kafka({ clientId: 'it-keyed-order', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const seen: Seen[] = [];

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });

    // One request in flight and batches sent one after another: the produce order is the log order.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let start = 0; start < MESSAGES; start += BATCH) {
      const messages = [];
      for (let seq = start; seq < start + BATCH; seq += 1) {
        messages.push({ key: `key-${seq % KEYS}`, value: JSON.stringify({ seq }) });
      }
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `it-keyed-order-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) reject(event.payload.error);
      });
      consumer
        .run({
          eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
            const value = JSON.parse(message.value?.toString() ?? 'null') as { seq: number };
            seen.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? '', seq: value.seq });
            if (seen.length === MESSAGES) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('holds exactly 10,000 records, one per message produced', async () => {
    const ends = await admin.fetchTopicOffsets(topic);
    const total = ends.reduce((sum, end) => sum + Number(end.high), 0);
    expect(total).toBe(MESSAGES);
    expect(new Set(seen.map((record) => record.seq)).size).toBe(MESSAGES);
  });

  it('keeps every key in a single partition', () => {
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const record of seen) {
      const partitions = partitionsOfKey.get(record.key) ?? new Set<number>();
      partitions.add(record.partition);
      partitionsOfKey.set(record.key, partitions);
    }
    expect(partitionsOfKey.size).toBe(KEYS);
    for (const [key, partitions] of partitionsOfKey) expect([key, partitions.size]).toEqual([key, 1]);
  });

  it('delivers each partition in produce order, with as many records as the partitioner sent there', async () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: PARTITIONS }, (_unused, partitionId) => ({
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
      partitionErrorCode: 0,
      offlineReplicas: [],
    }));
    const expectedCount = new Array<number>(PARTITIONS).fill(0);
    for (let seq = 0; seq < MESSAGES; seq += 1) {
      const partition = partitioner({ topic, partitionMetadata, message: { key: `key-${seq % KEYS}`, value: null } });
      expectedCount[partition] = (expectedCount[partition] ?? 0) + 1;
    }
    const ends = await admin.fetchTopicOffsets(topic);

    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      const records = seen.filter((record) => record.partition === partition);
      expect(records.length).toBe(expectedCount[partition]);
      expect(Number(ends.find((end) => end.partition === partition)?.high)).toBe(expectedCount[partition]);
      // Offsets 0, 1, 2... in delivery order, and the producer's sequence strictly rising along them.
      expect(records.map((record) => record.offset)).toEqual(records.map((_record, index) => index));
      const seqs = records.map((record) => record.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });
});
