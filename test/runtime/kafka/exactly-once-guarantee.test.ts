import type { Kafka, Producer, Transaction } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ExactlyOnceGuarantee } from '../../../src/runtime/kafka/exactly-once-guarantee.js';
import type { TopicMetadata } from '../../../src/runtime/kafka/topic-metadata.js';

/** A transactional producer whose transaction's abort fails as it does with the broker gone. */
function producerWhoseAbortFails(): { producer: Producer; disconnects: () => number } {
  let disconnected = 0;
  const transaction = {
    sendBatch: async () => [{ topicName: 'out', partition: 0, errorCode: 0, baseOffset: '0' }],
    abort: async () => {
      throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    },
    isActive: () => true,
  } as Partial<Transaction> as Transaction;
  const producer = {
    connect: async () => undefined,
    transaction: async () => transaction,
    disconnect: async () => {
      disconnected++;
    },
  } as Partial<Producer> as Producer;
  return { producer, disconnects: () => disconnected };
}

const metadata = { partitionCount: () => 1, maxRecordBytes: () => 1_000_000 } as Partial<TopicMetadata> as TopicMetadata;

describe('ExactlyOnceGuarantee: closing a task channel', () => {
  it('disconnects the producer even when aborting its open transaction fails, and reports the failure', async () => {
    const { producer, disconnects } = producerWhoseAbortFails();
    const kafka = { producer: () => producer } as Partial<Kafka> as Kafka;
    const guarantee = new ExactlyOnceGuarantee(kafka, metadata, { applicationId: 'app', batchRecords: 100, transactionTimeoutMs: 60_000 });
    const channel = await guarantee.openChannel('1_0');
    channel.send([{ topic: 'out', partition: 0, key: null, value: Buffer.from('v'), timestamp: 0, headers: {} }]);
    // The send goes out in the background; the fake answers at once, so one turn of the event loop opens the transaction.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(guarantee.closeChannel(channel)).rejects.toThrow(/ECONNREFUSED/);
    expect(disconnects()).toBe(1);
  });
});
