import { randomUUID } from 'node:crypto';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaTestKit } from '../support/kafka-test-kit.js';

const kit = new KafkaTestKit(inject('kafkaBrokers'));
const kafka = kit.kafka;

/** Reads the topic from the start until `until` values arrived; returns all values in order. */
async function readValues(topic: string, readUncommitted: boolean, until: number): Promise<string[]> {
  const messages = await kit.readUntil(topic, (read) => read.length === until, 120_000, { readUncommitted });
  return messages.map((m) => m.value?.toString() ?? '');
}

function transactionalProducer(): Producer {
  return kafka.producer({ transactionalId: `it-txn-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}

describe('a read_committed consumer after one committed and one aborted transaction', () => {
  const topic = `it-txn-${randomUUID()}`;
  const admin = kafka.admin();
  const committed = ['committed-0', 'committed-1', 'committed-2', 'committed-3', 'committed-4'];
  const aborted = ['aborted-0', 'aborted-1', 'aborted-2', 'aborted-3', 'aborted-4'];

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const producer = transactionalProducer();
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
    expect(await readValues(topic, false, committed.length)).toEqual(committed);
  });

  it('a read_uncommitted consumer sees the aborted batch too, so the aborted records did reach the log', async () => {
    expect(await readValues(topic, true, aborted.length + committed.length)).toEqual([...aborted, ...committed]);
  });
});

/**
 * What an exactly_once restart leaves in a repartition topic that several tasks write: each task's open
 * transaction, interleaved in one partition, aborted when its new owner fences it — not in the order
 * they began. The broker lists a fetch's aborted transactions in abort order; unpatched kafkajs 2.2.4
 * then delivered the records of the one that began first (patches/kafkajs+2.2.4.patch fixes it).
 */
describe('a read_committed consumer after interleaved transactions aborted in the reverse order they began', () => {
  const topic = `it-txn-interleaved-${randomUUID()}`;
  const admin = kafka.admin();
  const first = ['first-0', 'first-1', 'first-2'];
  const second = ['second-0', 'second-1', 'second-2'];
  const committed = ['committed-0', 'committed-1'];

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const producers = [transactionalProducer(), transactionalProducer(), transactionalProducer()] as const;
    for (const producer of producers) await producer.connect();
    try {
      const beganFirst = await producers[0].transaction();
      await beganFirst.send({ topic, messages: first.slice(0, 2).map((value) => ({ key: 'k', value })) });
      const beganSecond = await producers[1].transaction();
      await beganSecond.send({ topic, messages: second.map((value) => ({ key: 'k', value })) });
      await beganFirst.send({ topic, messages: first.slice(2).map((value) => ({ key: 'k', value })) });
      await beganSecond.abort();
      await beganFirst.abort();
      const toCommit = await producers[2].transaction();
      await toCommit.send({ topic, messages: committed.map((value) => ({ key: 'k', value })) });
      await toCommit.commit();
    } finally {
      for (const producer of producers) await producer.disconnect();
    }
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('sees only the committed records', async () => {
    expect(await readValues(topic, false, committed.length)).toEqual(committed);
  });

  it('a read_uncommitted consumer sees both aborted transactions, so their records did reach the log interleaved', async () => {
    expect(await readValues(topic, true, first.length + second.length + committed.length)).toEqual([...first.slice(0, 2), ...second, ...first.slice(2), ...committed]);
  });
});
