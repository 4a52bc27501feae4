import type { Admin } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Prng } from '../../src/sim/prng.js';
import { testSeed } from '../serde/seeded-random.js';
import { countInput, idAccounting, latestCounts, wrongCounts } from '../support/e2e-count-data.js';
import { prepareCountScenario, removeScenarioDirs } from '../support/e2e-count-scenario.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { metricValue, StreamsChild, sum, waitFor } from '../support/streams-child.js';

/**
 * docs/design.md 3.5: under exactly_once, killing the process with SIGKILL at any moment and restarting it
 * on the same state directory leaves every expected record in the output exactly once.
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const TOTAL = 100_000;
const KEYS = 1_000;
const KILLS = 3;
/** Values of ~300 bytes: a fetch (1 MiB per partition) then holds ~3,000 records, so a run commits several times. */
const VALUE_BYTES = 300;

let admin: Admin;
beforeAll(async () => {
  admin = kit.kafka.admin();
  await admin.connect();
});
afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  await admin.disconnect();
  await removeScenarioDirs();
});

async function committedInput(groupId: string, topic: string): Promise<bigint> {
  // Right after the broker starts, the group's coordinator may still be loading: a retriable error.
  let offsets: Awaited<ReturnType<Admin['fetchOffsets']>>[number] | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      break;
    } catch (error) {
      if (attempt >= 20 || !(error instanceof Error && (error as { retriable?: boolean }).retriable === true)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return sum((offsets?.partitions ?? []).map((p) => (BigInt(p.offset) < 0n ? 0n : BigInt(p.offset))));
}

describe.each([1, 2])('crash-exactly-once: a count topology killed with SIGKILL three times (exactly_once, 6 partitions, %i stream threads)', (threads) => {
  it('writes every input record once to the mapped output and ends with the exact count per key', { timeout: 400_000 }, async () => {
    const seed = testSeed('crash-exactly-once');
    const random = new Prng(seed);
    const { applicationId, topics, stateDir } = await prepareCountScenario(kit, 'crash', countInput({ to: TOTAL }, KEYS, VALUE_BYTES));
    const run = () =>
      StreamsChild.run({
        topology: 'test/fixtures/topologies/e2e-count.ts',
        brokers,
        applicationId,
        stateDir,
        guarantee: 'exactly_once',
        params: topics,
        // Commits every 250 ms, so a kill finds some of the run's work committed and some in an open transaction.
        extraArgs: ['--http-port', '0', '--commit-interval-ms', '250', '--threads', String(threads)],
      });

    // The app drains this backlog in seconds, so a fixed 0.5-4 s wait would often kill it after it
    // finished, or before its first commit. Each run is instead killed once it has committed some of
    // its work and processed more past that commit, plus a random 0-150 ms: in an open transaction,
    // with a committed checkpoint behind it and input left for the next run.
    for (let kill = 1; kill <= KILLS; kill++) {
      const committedBefore = await committedInput(applicationId, topics.input);
      const delayMs = random.int(0, 150);
      const child = run();
      await waitFor(`run ${kill} to commit some input and process past that commit`, async () => {
        const text = await child.metrics();
        if (text === undefined) return undefined;
        const committedHere = (await committedInput(applicationId, topics.input)) - committedBefore;
        const processedHere = BigInt(metricValue(text, 'cdc_streams_records_in_total', `topic="${topics.input}"`) ?? 0);
        return committedHere > 0n && processedHere > committedHere ? true : undefined;
      }, {
        timeoutMs: 120_000,
        intervalMs: 20,
        child,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      expect((await child.waitForExit(10_000)).signal).toBe('SIGKILL');
      const committed = await committedInput(applicationId, topics.input);
      console.log(`crash-exactly-once: kill ${kill} ${delayMs} ms after processing past a commit; input committed ${committedBefore} -> ${committed} of ${TOTAL}`);
      expect(committed, 'the kill must land while input is left, or it tests nothing').toBeLessThan(BigInt(TOTAL));
    }

    const last = run();
    await waitFor('the last run to commit all input', async () => ((await committedInput(applicationId, topics.input)) === BigInt(TOTAL) ? true : undefined), {
      timeoutMs: 180_000,
      intervalMs: 250,
      child: last,
    });
    last.kill('SIGTERM');
    expect((await last.waitForExit(30_000)).code).toBe(0);

    const mapped = await kit.readAll(topics.mapped);
    expect(idAccounting(mapped, TOTAL)).toEqual({ duplicates: [], missing: [], unexpected: [] });
    expect(mapped.length).toBe(TOTAL);
    const { latest, notIncreasing } = latestCounts(await kit.readAll(topics.counts));
    expect(notIncreasing).toEqual([]);
    expect(wrongCounts(latest, KEYS, () => TOTAL / KEYS)).toEqual([]);
    expect(latest.size).toBe(KEYS);
  });
});
