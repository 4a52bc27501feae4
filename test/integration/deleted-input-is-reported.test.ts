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
    const output = `${applicationId}-out`;
    await kit.createTopic(input, 2);
    await kit.createTopic(output, 1);
    const b = new StreamsBuilder();
    b.stream(input, { keySerde: stringSerde, valueSerde: stringSerde }).to(output, { keySerde: stringSerde, valueSerde: stringSerde });
    const topology = b.build();
    const stateDir = await mkdtemp(join(tmpdir(), 'it-deleted-'));
    dirs.push(stateDir);
    const config = { applicationId, kafka: { brokers: splitBrokers(brokers) }, stateDir, commitIntervalMs: 200, inputIdleWarningMs: 1500 };

    // An earlier run read partition 0 up to offset 10; partition 1 had nothing yet.
    await kit.produce(input, Array.from({ length: 10 }, (_, i) => ({ key: `a${i}`, value: `a${i}`, partition: 0 })));
    const earlier = new StreamsApp(topology, config);
    await earlier.start();
    try {
      await waitFor('the earlier run to commit partition 0', async () => ((await kit.committedOffsets(applicationId, input)).get(0) === 10n ? true : undefined), {
        timeoutMs: 60_000,
      });
    } finally {
      await earlier.close();
    }
    // While it was stopped, more records came, and retention deleted some of each partition unread.
    await kit.produce(input, Array.from({ length: 20 }, (_, i) => ({ key: `b${i}`, value: `b${i}`, partition: i % 2 })));
    const admin = kit.kafka.admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [input] });
      await admin.deleteTopicRecords({ topic: input, partitions: [{ partition: 0, offset: '15' }, { partition: 1, offset: '4' }] });
    } finally {
      await admin.disconnect();
    }

    const logger = recordingLogger();
    const app = new StreamsApp(topology, config, { logger });
    await app.start();
    try {
      const idle = await waitFor('the idle-input warning', async () => logger.lines.find((l) => l.message.startsWith('no input record read for')), {
        timeoutMs: 60_000,
      });
      expect(idle).toMatchObject({ level: 'warn', fields: { inputTopics: [input], recordsRead: 11 } });
    } finally {
      await app.close();
    }
    const deleted = logger.lines
      .filter((l) => l.message.includes('were deleted'))
      .map((l) => [l.level, l.message])
      .sort();
    expect(deleted).toEqual([
      ['warn', `input ${input}/0: the committed offset 10 is below the log start offset 15: 5 record(s) were deleted (by retention, or deleteRecords) before this application read them`],
      ['warn', `input ${input}/1: no committed offset, and the log starts at offset 4: 4 record(s) were deleted (by retention, or deleteRecords) before this application read them`],
    ]);
  });
});
