import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { countInput, countTopology, idAccounting, latestCounts, wrongCounts, type CountTopics } from '../support/e2e-count-data.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { waitFor } from '../support/streams-child.js';

/**
 * docs/design.md 3.6: every store is backed by a compacted changelog; after a lost disk the store is
 * rebuilt from it before the task processes again, so counts continue where they were. Also the
 * ordinary restart on the kept state directory, whose checkpoint under exactly_once sits right before
 * a transaction marker (a tail restore must not wait for data that never comes).
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const WAVE = 10_000;
const KEYS = 100;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function allInputCommitted(applicationId: string, topics: CountTopics): Promise<void> {
  await waitFor(
    'all input to be committed',
    async () => {
      const [committed, ends] = await Promise.all([kit.committedOffsets(applicationId, topics.input), kit.endOffsets(topics.input)]);
      return [...ends].every(([p, end]) => committed.get(p) === end) ? true : undefined;
    },
    { timeoutMs: 90_000 },
  );
}

describe.each([
  { stateDirectory: 'deleted', deleteState: true },
  { stateDirectory: 'kept', deleteState: false },
])('restore-from-changelog: a count topology restarted with its state directory $stateDirectory (exactly_once)', ({ deleteState }) => {
  it('brings the counts back before processing, so new input continues them to exact totals', { timeout: 180_000 }, async () => {
    const applicationId = `e2e-restore-${randomUUID().slice(0, 8)}`;
    const topics = { input: `${applicationId}-in`, mapped: `${applicationId}-ids`, counts: `${applicationId}-counts` };
    await kit.createTopic(topics.input, 6);
    const stateDir = await mkdtemp(join(tmpdir(), 'e2e-restore-'));
    dirs.push(stateDir);
    const app = async () =>
      new StreamsApp(await countTopology(topics), {
        applicationId,
        kafka: { brokers: splitBrokers(brokers) },
        stateDir,
        processingGuarantee: 'exactly_once',
        commitIntervalMs: 300,
      });

    await kit.produce(topics.input, countInput({ to: WAVE }, KEYS));
    const first = await app();
    await first.start();
    try {
      await allInputCommitted(applicationId, topics);
    } finally {
      await first.close();
    }
    await expect(first.stopped).resolves.toBeUndefined();
    if (deleteState) await rm(stateDir, { recursive: true, force: true });

    const restarted = await app();
    await restarted.start();
    try {
      await waitFor(
        'the restarted app to be ready',
        async () => {
          if (restarted.state === 'ERROR') await restarted.stopped;
          return restarted.snapshot().ready ? true : undefined;
        },
        { timeoutMs: 90_000 },
      );
      const restore = restarted.snapshot().restore;
      if (deleteState) {
        // Every record of the changelog was read back: at least one per key.
        expect(restore.reduce((n, r) => n + r.restored, 0)).toBeGreaterThanOrEqual(KEYS);
      }
      expect(restore.every((r) => r.done)).toBe(true);
      for (const key of ['key-0', `key-${KEYS - 1}`]) {
        const found = await restarted.queryStore('counts', key);
        expect(found.kind === 'found' ? found.value : found, `${key} before new input`).toBe(WAVE / KEYS);
      }
      await kit.produce(topics.input, countInput({ from: WAVE, to: 2 * WAVE }, KEYS));
      await allInputCommitted(applicationId, topics);
    } finally {
      await restarted.close();
    }
    await expect(restarted.stopped).resolves.toBeUndefined();

    const mapped = await kit.readAll(topics.mapped);
    expect(idAccounting(mapped, 2 * WAVE)).toEqual({ duplicates: [], missing: [], unexpected: [] });
    const { latest, notIncreasing } = latestCounts(await kit.readAll(topics.counts));
    expect(notIncreasing).toEqual([]);
    expect(wrongCounts(latest, KEYS, () => (2 * WAVE) / KEYS)).toEqual([]);
  });
});
