import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { countInput, idAccounting, latestCounts, wrongCounts } from '../support/e2e-count-data.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { metricValue, StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * docs/runtime.md, "Standby replicas": with `--standby-replicas 1` the second instance keeps a copy of the
 * first one's count store from its changelog; when the first is killed with SIGKILL, the second takes the
 * task over and restores only the changelog's tail after the standby's checkpoint. Without a standby it
 * restores the whole changelog. Either way the results are exact (exactly_once).
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const WAVE = 10_000;
const KEYS = 1_000;
const TASK = '0_0';

const dirs: string[] = [];
afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function committedInput(applicationId: string, topic: string): Promise<bigint> {
  const offset = (await kit.committedOffsets(applicationId, topic)).get(0);
  return offset === undefined || offset < 0n ? 0n : offset;
}

async function metric(child: StreamsChild, name: string, labels?: string): Promise<number | undefined> {
  const text = await child.metrics();
  return text === undefined ? undefined : metricValue(text, name, labels);
}

interface Failover {
  /** The changelog's end offset right after the active instance was killed. */
  readonly changelogEndAtKill: bigint;
  /** How far the survivor's standby had read the changelog just before the kill (0 without one). */
  readonly standbyOffsetAtKill: number;
  /** Changelog records the survivor restored when it took the task over, and how many it meant to. */
  readonly restored: number;
  readonly restoreTarget: number;
}

/**
 * Two instances of the count topology (1 input partition: one task); the one running the task is
 * SIGKILLed. `threads`: stream threads of both (a standby lives in the main thread; the task it
 * becomes runs in a stream thread).
 */
async function failover(standbyReplicas: number, threads: number): Promise<Failover> {
  const applicationId = `e2e-standby-${standbyReplicas}-${randomUUID().slice(0, 8)}`;
  const topics = { input: `${applicationId}-in`, mapped: `${applicationId}-ids`, counts: `${applicationId}-counts` };
  const changelog = `${applicationId}-counts-changelog`;
  await kit.createTopic(topics.input, 1);
  await kit.produce(topics.input, countInput({ to: WAVE }, KEYS));
  const dir = await mkdtemp(join(tmpdir(), 'e2e-standby-'));
  dirs.push(dir);
  // The survivor takes over once the killed member's session expires. Not the broker's minimum (6 s): a
  // member applying an assignment (restore included) sends no heartbeat meanwhile.
  const config = join(dir, 'config.yaml');
  await writeFile(config, 'sessionTimeoutMs: 10000\n');
  const run = (name: string) =>
    StreamsChild.run({
      topology: 'test/fixtures/topologies/e2e-count.ts',
      brokers,
      applicationId,
      stateDir: join(dir, name),
      guarantee: 'exactly_once',
      params: topics,
      extraArgs: ['--http-port', '0', '--commit-interval-ms', '250', '--standby-replicas', String(standbyReplicas), '--threads', String(threads), '--config', config],
    });

  const active = run('a');
  await waitFor('the first instance to process the first wave', async () => ((await committedInput(applicationId, topics.input)) === BigInt(WAVE) ? true : undefined), {
    timeoutMs: 60_000,
    child: active,
  });
  const survivor = run('b');
  await waitFor('the second instance to join', async () => ((await metric(survivor, 'cdc_streams_app_ready')) === 1 ? true : undefined), {
    timeoutMs: 60_000,
    child: survivor,
  });
  if (standbyReplicas > 0) {
    const end = Number((await kit.endOffsets(changelog)).get(0));
    await waitFor(
      'the standby to read the whole changelog',
      async () => ((await metric(survivor, 'cdc_streams_standby_changelog_offset', `task="${TASK}"`)) === end ? true : undefined),
      { timeoutMs: 30_000, child: survivor },
    );
  }
  expect(await metric(survivor, 'cdc_streams_restore_restored_records', `task="${TASK}"`), 'the survivor ran the task before the kill').toBeUndefined();

  await kit.produce(topics.input, countInput({ from: WAVE, to: 2 * WAVE }, KEYS));
  await waitFor('the first instance to commit part of the second wave', async () => ((await committedInput(applicationId, topics.input)) > BigInt(WAVE) ? true : undefined), {
    timeoutMs: 60_000,
    child: active,
  });
  const standbyOffsetAtKill = (await metric(survivor, 'cdc_streams_standby_changelog_offset', `task="${TASK}"`)) ?? 0;
  active.kill('SIGKILL');
  await active.exited;
  const changelogEndAtKill = (await kit.endOffsets(changelog)).get(0) ?? 0n;

  // The killed instance may have committed all of the second wave before it died: then the input is
  // all committed while the survivor still waits for the dead member's session to expire. Its task's
  // restore report says it has taken over.
  await waitFor('the survivor to take the task over', async () => ((await metric(survivor, 'cdc_streams_restore_done', `task="${TASK}"`)) === 1 ? true : undefined), {
    timeoutMs: 60_000,
    child: survivor,
  });
  await waitFor('the survivor to process both waves', async () => ((await committedInput(applicationId, topics.input)) === BigInt(2 * WAVE) ? true : undefined), {
    timeoutMs: 60_000,
    child: survivor,
  });
  await waitFor('the survivor to be ready', async () => ((await metric(survivor, 'cdc_streams_app_ready')) === 1 ? true : undefined), {
    timeoutMs: 30_000,
    child: survivor,
  });
  if (threads > 1) expect(await survivor.taskThreads()).toEqual(['stream-thread-1']);
  const restored = (await metric(survivor, 'cdc_streams_restore_restored_records', `task="${TASK}"`)) ?? -1;
  const restoreTarget = (await metric(survivor, 'cdc_streams_restore_target_records', `task="${TASK}"`)) ?? -1;
  survivor.kill('SIGTERM');
  expect((await survivor.waitForExit(30_000)).code, survivor.recentLog()).toBe(0);

  const mapped = await kit.readAll(topics.mapped);
  expect(idAccounting(mapped, 2 * WAVE)).toEqual({ duplicates: [], missing: [], unexpected: [] });
  const { latest, notIncreasing } = latestCounts(await kit.readAll(topics.counts));
  expect(notIncreasing).toEqual([]);
  expect(wrongCounts(latest, KEYS, () => (2 * WAVE) / KEYS)).toEqual([]);
  return { changelogEndAtKill, standbyOffsetAtKill, restored, restoreTarget };
}

describe('standby-failover: a count topology whose active instance is SIGKILLed (exactly_once, 2 instances; with the standby: 2 stream threads)', () => {
  it('restores only the changelog tail after the standby checkpoint with a standby, the whole changelog without', { timeout: 180_000 }, async () => {
    // Side by side: most of each run is waiting for the killed member's session to expire.
    const [withStandby, withoutStandby] = await Promise.all([failover(1, 2), failover(0, 1)]);
    console.info(`standby-failover: with a standby, ${withStandby.restored} records restored (changelog end ${withStandby.changelogEndAtKill} at the kill, standby at ${withStandby.standbyOffsetAtKill}); without, ${withoutStandby.restored} (changelog end ${withoutStandby.changelogEndAtKill})`);
    // The standby had read at least the first wave's changelog, one record or more per key.
    expect(withStandby.standbyOffsetAtKill).toBeGreaterThanOrEqual(KEYS);
    expect(withStandby.restored).toBe(withStandby.restoreTarget);
    // Only what the standby had not read at the kill: at most the records since, plus the abort marker
    // of the killed instance's open transaction.
    expect(withStandby.restored).toBeLessThanOrEqual(Number(withStandby.changelogEndAtKill) + 1 - withStandby.standbyOffsetAtKill);

    expect(withoutStandby.standbyOffsetAtKill).toBe(0);
    expect(withoutStandby.restored).toBe(withoutStandby.restoreTarget);
    expect(withoutStandby.restored).toBeGreaterThanOrEqual(Number(withoutStandby.changelogEndAtKill));
  });
});
