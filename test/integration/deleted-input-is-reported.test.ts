import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { recordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/streams-child.js';

/**
 * An input whose records were deleted before the application read them (CDC event times are old, and
 * the broker's time-based retention deletes such records soon after they are written) must not look
 * like a quiet input: the application warns, per partition, when its committed offset — or, with
 * none, the start of the partition — lies below the log start offset, and warns when it has read
 * nothing for `inputIdleWarningMs`. deleteTopicRecords stands in for retention here.
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('deleted-input-is-reported', () => {
  it('warns for a committed offset and for a first start below the log start offset, then that nothing is read', async () => {
    const applicationId = `it-deleted-${randomUUID().slice(0, 8)}`;
    const input = `${applicationId}-in`;
    await kit.createTopic(input, 2);
    await kit.produce(input, Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })));
    const admin = kit.kafka.admin();
    await admin.connect();
    try {
      // Partition 0 was read up to offset 2 by an earlier run; partition 1 never.
      await admin.setOffsets({ groupId: applicationId, topic: input, partitions: [{ partition: 0, offset: '2' }] });
      await admin.deleteTopicRecords({ topic: input, partitions: [{ partition: 0, offset: '6' }, { partition: 1, offset: '4' }] });
    } finally {
      await admin.disconnect();
    }

    const b = new StreamsBuilder();
    b.stream(input, { keySerde: stringSerde, valueSerde: stringSerde }).to(`${applicationId}-out`, { keySerde: stringSerde, valueSerde: stringSerde });
    await kit.createTopic(`${applicationId}-out`, 1);
    const stateDir = await mkdtemp(join(tmpdir(), 'it-deleted-'));
    dirs.push(stateDir);
    const logger = recordingLogger();
    const app = new StreamsApp(
      b.build(),
      { applicationId, kafka: { brokers: splitBrokers(brokers) }, stateDir, commitIntervalMs: 200, inputIdleWarningMs: 1500 },
      { logger },
    );
    await app.start();
    try {
      const idle = await waitFor('the idle-input warning', async () => logger.lines.find((l) => l.message.startsWith('no input record read for')), {
        timeoutMs: 60_000,
      });
      expect(idle).toMatchObject({ level: 'warn', fields: { inputTopics: [input], recordsRead: 10 } });
    } finally {
      await app.close();
    }
    const deleted = logger.lines
      .filter((l) => l.message.includes('below the log start offset') || l.message.includes('and the log starts at offset'))
      .map((l) => [l.level, l.message])
      .sort();
    expect(deleted).toEqual([
      ['warn', `input ${input}/0: the committed offset 2 is below the log start offset 6: 4 record(s) were deleted (by retention, or deleteRecords) before this application read them`],
      ['warn', `input ${input}/1: no committed offset, and the log starts at offset 4: 4 record(s) were deleted (by retention, or deleteRecords) before this application read them`],
    ]);
  });
});
