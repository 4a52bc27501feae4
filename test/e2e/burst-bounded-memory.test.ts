import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { countInput, idAccounting, latestCounts, wrongCounts } from '../support/e2e-count-data.js';
import { prepareCountScenario, removeScenarioDirs } from '../support/e2e-count-scenario.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { metricValue, StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * The flash-sale peak (docs/runtime.md, backpressure): a backlog far larger than memory should hold is
 * drained with fetching paused instead of buffered, so memory stays bounded while lag shrinks.
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const BACKLOG = 300_000;
const VALUE_BYTES = 200;
const KEYS = 1_000;
/**
 * The bound fetching-pauses-instead-of-buffering must keep: the process (Node, tsx, RocksDB, kafkajs)
 * draining the 60 MB backlog stays under 350 MB resident. Buffering the backlog as records would take
 * several times its size on top of the ~180 MB the idle app already uses.
 */
const RSS_BOUND_BYTES = 350 * 1024 * 1024;
/**
 * V8 sizes its heap from the machine's memory (24 GB here) and collects lazily, so a process left at
 * the default measures garbage not yet collected (peaks of 290-370 MB seen) more than what the app
 * holds. The child runs with a heap limit, as in a memory-limited container: an app that buffered the
 * backlog would run out of heap and die, which fails the test as surely as crossing the bound.
 */
const CHILD_HEAP_LIMIT = '--max-old-space-size=160';

afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  await removeScenarioDirs();
});

describe('burst-bounded-memory: a 300,000-record backlog drained by a CLI child (at_least_once, 6 partitions)', () => {
  it('keeps its resident memory under 350 MB while draining, and the results are exact', { timeout: 300_000 }, async () => {
    const { applicationId, topics, stateDir } = await prepareCountScenario(kit, 'burst', countInput({ to: BACKLOG }, KEYS, VALUE_BYTES));

    const child = StreamsChild.run({
      topology: 'test/fixtures/topologies/e2e-count.ts',
      brokers,
      applicationId,
      stateDir,
      guarantee: 'at_least_once',
      params: topics,
      extraArgs: ['--http-port', '0'],
      nodeArgs: [CHILD_HEAP_LIMIT],
    });
    let peak = 0;
    let samples = 0;
    const sample = async () => {
      peak = Math.max(peak, await child.rssBytes());
      samples++;
    };
    const consumed = async () => {
      await sample();
      const text = await child.metrics();
      return text === undefined ? undefined : (metricValue(text, 'cdc_streams_records_in_total', `topic="${topics.input}"`) ?? 0);
    };
    await waitFor('the app to consume the backlog', async () => ((await consumed()) === BACKLOG ? true : undefined), {
      timeoutMs: 240_000,
      intervalMs: 100,
      child,
    });
    await waitFor(
      'all input to be committed',
      async () => {
        await sample();
        const [committed, ends] = await Promise.all([kit.committedOffsets(applicationId, topics.input), kit.endOffsets(topics.input)]);
        return [...ends].every(([p, end]) => committed.get(p) === end) ? true : undefined;
      },
      { timeoutMs: 60_000, child },
    );
    console.log(`burst-bounded-memory: peak RSS ${(peak / 2 ** 20).toFixed(0)} MB over ${samples} samples (bound ${RSS_BOUND_BYTES / 2 ** 20} MB)`);
    child.kill('SIGTERM');
    expect((await child.waitForExit(30_000)).code).toBe(0);
    expect(peak).toBeLessThan(RSS_BOUND_BYTES);

    const mapped = await kit.readAll(topics.mapped);
    expect(idAccounting(mapped, BACKLOG)).toEqual({ duplicates: [], missing: [], unexpected: [] });
    const { latest, notIncreasing } = latestCounts(await kit.readAll(topics.counts));
    expect(notIncreasing).toEqual([]);
    expect(wrongCounts(latest, KEYS, () => BACKLOG / KEYS)).toEqual([]);
  });
});
