import type { RecordMetadata, TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ProducerCollector } from '../../../src/runtime/kafka/producer-collector.js';
import type { TopicMetadata } from '../../../src/runtime/kafka/topic-metadata.js';

const metadata = { partitionCount: () => 2, maxRecordBytes: () => 1_048_588 } as unknown as TopicMetadata;

/** A sender that acknowledges every batch, numbering records per partition from 0 like a broker. */
function recordingSender() {
  const batches: TopicMessages[][] = [];
  const next = new Map<string, number>();
  const sender = async (batch: TopicMessages[]): Promise<RecordMetadata[]> => {
    batches.push(batch);
    const results: RecordMetadata[] = [];
    for (const { topic, messages } of batch) {
      for (const partition of new Set(messages.map((m) => m.partition!))) {
        const key = `${topic}:${partition}`;
        const base = next.get(key) ?? 0;
        next.set(key, base + messages.filter((m) => m.partition === partition).length);
        results.push({ topicName: topic, partition, errorCode: 0, baseOffset: String(base) });
      }
    }
    return results;
  };
  return { batches, sender };
}

const record = (partition: number, bytes: number) => ({
  topic: 'out',
  partition,
  key: Buffer.from('k'),
  value: Buffer.alloc(bytes),
  timestamp: 1,
  headers: {},
});

describe('ProducerCollector', () => {
  it('splits sends so no request carries much more than 768 KiB, and keeps the records in order', async () => {
    const { batches, sender } = recordingSender();
    const collector = new ProducerCollector(sender, metadata, 5000);
    for (let i = 0; i < 40; i++) collector.send(record(0, 100 * 1024));
    await collector.flush();
    expect(batches.length).toBeGreaterThan(4);
    for (const batch of batches) {
      const bytes = batch.flatMap((t) => t.messages).reduce((sum, m) => sum + (m.value as Buffer).length, 0);
      expect(bytes).toBeLessThanOrEqual(800 * 1024);
    }
    expect(batches.flatMap((b) => b.flatMap((t) => t.messages)).length).toBe(40);
  });

  it("never puts more into one partition's share of a request than the topic's max.message.bytes", async () => {
    const { batches, sender } = recordingSender();
    const limit = 300 * 1024;
    const collector = new ProducerCollector(sender, { partitionCount: () => 2, maxRecordBytes: () => limit } as unknown as TopicMetadata, 5000);
    for (const bytes of [100, 250, 120, 200, 290, 10, 5].map((k) => k * 1024)) collector.send(record(0, bytes));
    await collector.flush();
    for (const batch of batches) {
      const bytes = batch.flatMap((t) => t.messages).reduce((sum, m) => sum + (m.value as Buffer).length + 100, 0);
      expect(bytes).toBeLessThanOrEqual(limit);
    }
    expect(batches.flatMap((b) => b.flatMap((t) => t.messages)).map((m) => (m.value as Buffer).length / 1024)).toEqual([100, 250, 120, 200, 290, 10, 5]);
  });

  it('returns the offset of the last record written to each partition since the previous flush', async () => {
    const { sender } = recordingSender();
    const collector = new ProducerCollector(sender, metadata, 3);
    for (const p of [0, 1, 0, 0, 1]) collector.send(record(p, 10));
    expect(Object.fromEntries(await collector.flush())).toEqual({ 'out:0': '2', 'out:1': '1' });
    collector.send(record(1, 10));
    expect(Object.fromEntries(await collector.flush())).toEqual({ 'out:1': '2' });
  });

  it("fails, rather than losing them, when the client acknowledges no records of a partition (kafkajs drops records for partitions its metadata does not know)", async () => {
    const forgetful = async (batch: TopicMessages[]): Promise<RecordMetadata[]> =>
      batch.flatMap(({ topic, messages }) =>
        [...new Set(messages.map((m) => m.partition!))].filter((p) => p < 1).map((partition) => ({ topicName: topic, partition, errorCode: 0, baseOffset: '0' })),
      );
    const collector = new ProducerCollector(forgetful, metadata, 100);
    collector.send(record(0, 10));
    collector.send(record(1, 10));
    await expect(collector.flush()).rejects.toThrow(/records for out:1 were not acknowledged/);
  });

  it('remembers a failed send and throws it on the next send and flush, never losing it', async () => {
    const failure = new Error('broker said no');
    const collector = new ProducerCollector(async () => Promise.reject(failure), metadata, 1);
    collector.send(record(0, 10));
    const error = await collector.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('sending records to out/0 failed: broker said no');
    expect((error as Error).cause).toBe(failure);
    expect(() => collector.send(record(0, 10))).toThrow(error as Error);
  });
});
