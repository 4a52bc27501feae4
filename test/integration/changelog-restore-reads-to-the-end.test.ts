import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { restoreFromChangelogs } from '../../src/runtime/kafka/changelog-restorer.js';
import type { ChangelogRecordIn } from '../../src/runtime/task/changelog-chunks.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { recordingLogger } from '../support/recording-logger.js';

describe('changelog restore of a transactional changelog', () => {
  const brokers = inject('kafkaBrokers');
  const kit = new KafkaTestKit(brokers);
  const kafka = new Kafka({ clientId: 'it-restore', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const topic = `it-restore-${randomUUID()}`;
  // Values of 4 KiB: 1,200 committed records are several fetches (kafkajs asks for 1 MiB per partition).
  const value = (i: number) => Buffer.alloc(4096, i % 251);
  const committedKeys: string[] = [];

  beforeAll(async () => {
    await kit.createTopic(topic, 1);
    const producer = kafka.producer({
      transactionalId: `it-restore-${randomUUID()}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      for (let t = 0; t < 6; t++) {
        const transaction = await producer.transaction();
        const keys = Array.from({ length: 200 }, (_, i) => `t${t}-k${i}`);
        await transaction.send({ topic, messages: keys.map((key, i) => ({ key, value: value(i), partition: 0 })) });
        // Every third transaction aborted; the log ends with a commit marker.
        if (t % 3 === 1) {
          await transaction.abort();
        } else {
          await transaction.commit();
          committedKeys.push(...keys);
        }
      }
    } finally {
      await producer.disconnect();
    }
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect());
  });

  it('applies every committed record and ends at the log end even when applying a batch takes seconds', async () => {
    const restored: string[] = [];
    const nextOffsets: string[] = [];
    let calls = 0;
    await restoreFromChangelogs(
      kafka,
      [
        {
          taskId: '0_0',
          storeName: 'store',
          topic,
          partition: 0,
          store: {
            changelogOffset: () => Promise.resolve(undefined),
            restore: async (records: readonly ChangelogRecordIn[], next: string) => {
              calls++;
              // A write batch stuck behind a loaded disk: the restore must wait for it, not call the partition done.
              if (calls === 2) await new Promise((resolve) => setTimeout(resolve, 4000));
              for (const record of records) restored.push(record.key?.toString() ?? '');
              nextOffsets.push(next);
            },
          },
        },
      ],
      { readCommitted: true, logger: recordingLogger(), onProgress: () => undefined },
    );
    const admin = kafka.admin();
    await admin.connect();
    const end = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    expect(calls).toBeGreaterThan(2);
    expect(restored).toEqual(committedKeys);
    expect(nextOffsets[nextOffsets.length - 1]).toBe(end[0]?.high);
  });
});
