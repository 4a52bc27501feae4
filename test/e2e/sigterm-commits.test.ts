import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { countInput, idAccounting, latestCounts, wrongCounts } from '../support/e2e-count-data.js';
import { prepareCountScenario, removeScenarioDirs } from '../support/e2e-count-scenario.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { metricValue, StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * docs/design.md 6: SIGTERM finishes in-flight work, commits, closes the stores, leaves the group and exits
 * 0 — so a restart (at_least_once) processes nothing a second time.
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const FIRST = 20_000;
const SECOND = 5_000;
const KEYS = 200;
/** The bound for a clean stop; waiting longer for the exit fails the test. */
const SIGTERM_EXIT_DEADLINE_MS = 10_000;

afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  await removeScenarioDirs();
});

describe('sigterm-commits: a CLI child stopped with SIGTERM (at_least_once, 6 partitions)', () => {
  it('exits 0 within 10 s with its offsets committed, and after a restart processes only new input, once', { timeout: 240_000 }, async () => {
    const { applicationId, topics, stateDir } = await prepareCountScenario(kit, 'sigterm', countInput({ to: FIRST }, KEYS));
    // A commit interval longer than the test: the only commit is the one SIGTERM makes.
    const run = () =>
      StreamsChild.run({
        topology: 'test/fixtures/topologies/e2e-count.ts',
        brokers,
        applicationId,
        stateDir,
        guarantee: 'at_least_once',
        params: topics,
        extraArgs: ['--http-port', '0', '--commit-interval-ms', '3600000'],
      });
    const recordsIn = async (child: StreamsChild): Promise<number | undefined> => {
      const text = await child.metrics();
      return text === undefined ? undefined : (metricValue(text, 'cdc_streams_records_in_total', `topic="${topics.input}"`) ?? 0);
    };
    const stopWithSigterm = async (child: StreamsChild) => {
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const exit = await child.waitForExit(SIGTERM_EXIT_DEADLINE_MS);
      console.log(`sigterm-commits: exited ${Date.now() - signalledAt} ms after SIGTERM (deadline ${SIGTERM_EXIT_DEADLINE_MS} ms)`);
      expect(exit, child.recentLog()).toEqual({ code: 0, signal: null });
    };
    const expectCommittedToEnd = async () => {
      const ends = await kit.endOffsets(topics.input);
      expect(await kit.committedOffsets(applicationId, topics.input)).toEqual(ends);
    };

    const first = run();
    await waitFor('the first run to consume the backlog', async () => ((await recordsIn(first)) === FIRST ? true : undefined), {
      timeoutMs: 120_000,
      child: first,
    });
    const before = await kit.committedOffsets(applicationId, topics.input);
    expect([...before.values()].every((o) => o < 0n), 'nothing committed before SIGTERM, so its commit is the one checked').toBe(true);
    await stopWithSigterm(first);
    await expectCommittedToEnd();

    const second = run();
    await waitFor('the restarted app to be ready', async () => {
      const text = await second.metrics();
      return text !== undefined && metricValue(text, 'cdc_streams_app_ready') === 1 ? true : undefined;
    }, { timeoutMs: 120_000, child: second });
    expect(await recordsIn(second), 'input processed before the restart is not read again').toBe(0);
    await kit.produce(topics.input, countInput({ from: FIRST, to: FIRST + SECOND }, KEYS));
    const consumed = await waitFor('the restarted app to consume the new input', async () => {
      const n = await recordsIn(second);
      return n !== undefined && n >= SECOND ? n : undefined;
    }, { timeoutMs: 120_000, child: second });
    expect(consumed, 'only the new input is processed after the restart').toBe(SECOND);
    await stopWithSigterm(second);
    await expectCommittedToEnd();

    const mapped = await kit.readAll(topics.mapped);
    expect(idAccounting(mapped, FIRST + SECOND)).toEqual({ duplicates: [], missing: [], unexpected: [] });
    expect(mapped.length).toBe(FIRST + SECOND);
    const { latest, notIncreasing } = latestCounts(await kit.readAll(topics.counts));
    expect(notIncreasing).toEqual([]);
    expect(wrongCounts(latest, KEYS, () => (FIRST + SECOND) / KEYS)).toEqual([]);
  });
});
