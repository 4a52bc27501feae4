import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { TOPOLOGY_FOR_WORKER_MODULE, topologyForWorkerArgs } from '../../src/cli/topology-for-worker.js';
import { COUNT_TOPOLOGY_FILE, countInput, countTopology, idAccounting, latestCounts, wrongCounts } from '../support/e2e-count-data.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { waitFor } from '../support/streams-child.js';

/**
 * docs/design.md 3.7: instances with one application id split the partitions; when one leaves, its tasks
 * and their state move to the other and nothing is lost or doubled. Run under exactly_once, so the
 * check can be exact: every record once in the mapped output, every final count exact (a moved task
 * that did not restore its store from the changelog would count from zero again).
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const WAVE = 15_000;
const KEYS = 300;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.each([1, 2])('rebalance-keeps-results: two instances share 6 partitions and one leaves mid-run (exactly_once, %i stream threads)', (threads) => {
  it('moves the leaving instance’s tasks and state to the other and ends with every record once and exact counts', { timeout: 240_000 }, async () => {
    const applicationId = `e2e-rebalance-${randomUUID().slice(0, 8)}`;
    const topics = { input: `${applicationId}-in`, mapped: `${applicationId}-ids`, counts: `${applicationId}-counts` };
    await kit.createTopic(topics.input, 6);
    const instance = async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'e2e-rebalance-'));
      dirs.push(stateDir);
      return new StreamsApp(
        await countTopology(topics),
        { applicationId, kafka: { brokers: splitBrokers(brokers) }, stateDir, processingGuarantee: 'exactly_once', commitIntervalMs: 300, numStreamThreads: threads },
        { workerTopology: { module: TOPOLOGY_FOR_WORKER_MODULE, args: topologyForWorkerArgs(COUNT_TOPOLOGY_FILE, { params: { ...topics } }) } },
      );
    };
    const stays = await instance();
    const leaves = await instance();
    const processed = (app: StreamsApp) => app.snapshot().tasks.reduce((n, t) => n + t.recordsProcessed, 0);
    try {
      await stays.start();
      await leaves.start();
      await waitFor(
        'the two instances to split the six tasks',
        async () => (stays.snapshot().ready && leaves.snapshot().ready && stays.snapshot().tasks.length === 3 && leaves.snapshot().tasks.length === 3 ? true : undefined),
        { timeoutMs: 60_000 },
      );
      const leavingPartitions = leaves.snapshot().tasks.map((t) => t.partition);
      const leavingTasks = leaves.snapshot().tasks.map((t) => t.taskId).sort();
      expect(new Set(leaves.snapshot().tasks.map((t) => t.thread)).size, 'tasks spread over the stream threads').toBe(threads === 1 ? 1 : Math.min(threads, 3));

      await kit.produce(topics.input, countInput({ to: WAVE }, KEYS));
      // The leaving instance has committed work of its own: its stores hold counts that must move.
      await waitFor(
        'the leaving instance to commit part of its share',
        async () => {
          const committed = await kit.committedOffsets(applicationId, topics.input);
          return leavingPartitions.every((p) => (committed.get(p) ?? -1n) > 0n) ? true : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const second = kit.produce(topics.input, countInput({ from: WAVE, to: 2 * WAVE }, KEYS));
      console.log(`rebalance-keeps-results: closing the instance with partitions ${leavingPartitions.join(',')} after it processed ${processed(leaves)} records`);
      await leaves.close();
      await expect(leaves.stopped).resolves.toBeUndefined();
      await second;

      await waitFor(
        'the remaining instance to commit all input',
        async () => {
          const [committed, ends] = await Promise.all([kit.committedOffsets(applicationId, topics.input), kit.endOffsets(topics.input)]);
          return [...ends].every(([p, end]) => committed.get(p) === end) ? true : undefined;
        },
        { timeoutMs: 120_000 },
      );
      const snapshot = stays.snapshot();
      expect(snapshot.tasks.map((t) => t.partition).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const restoredFromChangelog = new Set(snapshot.restore.filter((r) => r.total > 0).map((r) => r.taskId));
      expect([...restoredFromChangelog].sort(), 'the moved tasks rebuilt their stores from the changelog').toEqual(leavingTasks);
    } finally {
      await Promise.all([stays.close(), leaves.close()]);
    }
    await expect(stays.stopped).resolves.toBeUndefined();

    const mapped = await kit.readAll(topics.mapped);
    expect(idAccounting(mapped, 2 * WAVE)).toEqual({ duplicates: [], missing: [], unexpected: [] });
    expect(mapped.length).toBe(2 * WAVE);
    const { latest, notIncreasing } = latestCounts(await kit.readAll(topics.counts));
    expect(notIncreasing).toEqual([]);
    expect(wrongCounts(latest, KEYS, () => (2 * WAVE) / KEYS)).toEqual([]);
  });
});
