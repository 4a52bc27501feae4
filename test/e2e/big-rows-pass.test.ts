import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createOrderEventDecoder, toOutputOrderEvent } from '../../src/cli/order-event-avro.js';
import { parseKafkaConnection, splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { ensureTopics, readTopic, topicPartitionCounts, writeMessages } from '../../src/kafka-tools/index.js';
import {
  formatVerification,
  OrderEventVerifier,
  simulateFlashSale,
  type ExpectedOrder,
  type FlashSaleSimulation,
  type OutputOrderEvent,
  type SimulationOptions,
} from '../../src/sim/index.js';
import { testSeed } from '../serde/seeded-random.js';
import { StreamsChild, waitFor } from '../support/streams-child.js';
import { withoutExactRepeats } from '../support/at-least-once-output.js';

/**
 * Rows bigger than a Kafka message (a JSON `remark` of 1.5, 10 or 50 MB) on a broker with its default
 * 1 MiB limit: DTS chunks them into messages of at most 1 MB, and sale-orders must come out exactly as
 * the ground truth says — with its column projection (the remark never leaves the source) and without
 * it (the remark crosses the repartition topic and the held store's changelog in pieces). The 50 MB
 * runs are killed with SIGKILL while a task is writing the pieces of a record, and restarted.
 */
const brokers = inject('kafkaBrokers');
const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
const dirs: string[] = [];
afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const MB = 1_000_000;

async function readEvents(topic: string) {
  const decoder = await createOrderEventDecoder({ schemasDir: 'schemas' });
  const events: OutputOrderEvent[] = [];
  if (!(await topicPartitionCounts(connection, [topic])).has(topic)) return events;
  for await (const record of readTopic(connection, topic, { isolation: 'read_committed', idleMs: 2000 })) {
    events.push(toOutputOrderEvent(await decoder.decode(record)));
  }
  return events;
}

/** The sum over tasks of a processor metric the child exports (e.g. the task's chunk pieces written). */
function processorMetricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cdc_streams_processor_metric{') && line.includes(`name="${name}"`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Seeds tried from the test's seed on: about 1 in 4 of the 50 MB scenarios' seeds gives no big row. */
const MAX_SEED_TRIES = 20;

/**
 * The flash sale of the first seed from `start` on that has a row DTS had to chunk (the scenario needs
 * one), so the precondition holds whatever seed the run draws; the seed used is printed for a replay.
 */
function simulationWithBigRow(name: string, start: number, options: Omit<SimulationOptions, 'seed'>): { seed: number; sim: FlashSaleSimulation } {
  for (let seed = start; seed < start + MAX_SEED_TRIES; seed++) {
    const sim = simulateFlashSale({ ...options, seed });
    let messages = 0;
    // The simulation's stats are counted as its messages are made.
    for (const _ of sim.messages) messages++;
    if (sim.stats.chunkedGroups > 0) {
      console.log(`${name}: seed ${seed} used (${messages} messages, ${sim.stats.chunkedGroups} chunked rows; replay with CDC_STREAMS_SEED=${seed})`);
      return { seed, sim };
    }
  }
  throw new Error(`${name}: none of the seeds ${start}..${start + MAX_SEED_TRIES - 1} gives a row bigger than a message`);
}

interface Scenario {
  readonly remarkBytes: number;
  readonly guarantee: 'at_least_once' | 'exactly_once';
  readonly projectColumns: boolean;
  readonly killWhileChunking: boolean;
  readonly orders: number;
  readonly bigRemarkRate: number;
}

const SCENARIOS: readonly Scenario[] = [
  { remarkBytes: 1.5 * MB, guarantee: 'exactly_once', projectColumns: true, killWhileChunking: false, orders: 200, bigRemarkRate: 0.04 },
  { remarkBytes: 1.5 * MB, guarantee: 'at_least_once', projectColumns: false, killWhileChunking: false, orders: 200, bigRemarkRate: 0.04 },
  { remarkBytes: 10 * MB, guarantee: 'exactly_once', projectColumns: false, killWhileChunking: false, orders: 150, bigRemarkRate: 0.02 },
  { remarkBytes: 10 * MB, guarantee: 'at_least_once', projectColumns: true, killWhileChunking: false, orders: 150, bigRemarkRate: 0.02 },
  { remarkBytes: 50 * MB, guarantee: 'exactly_once', projectColumns: false, killWhileChunking: true, orders: 120, bigRemarkRate: 0.012 },
  { remarkBytes: 50 * MB, guarantee: 'at_least_once', projectColumns: false, killWhileChunking: true, orders: 120, bigRemarkRate: 0.012 },
];

describe('big rows pass: sale-orders over rows bigger than a Kafka message', () => {
  for (const s of SCENARIOS) {
    const name = `${s.remarkBytes / MB} MB remarks, ${s.guarantee}, ${s.projectColumns ? 'projected at the source' : 'carried through the repartition and the held store'}${s.killWhileChunking ? ', SIGKILL while writing pieces' : ''}`;
    it(`matches the ground truth: ${name}`, { timeout: 300_000 }, async () => {
      const seedName = `big-rows-${s.remarkBytes}-${s.guarantee}`;
      const applicationId = `e2e-big-${randomUUID().slice(0, 8)}`;
      const inputTopic = `${applicationId}.dts.sale`;
      const outputTopic = `${applicationId}.order-events`;
      const { seed, sim } = simulationWithBigRow(seedName, testSeed(seedName), {
        orders: s.orders,
        shards: 2,
        partitions: 4,
        maxMessageBytes: MB,
        bigRemarkBytes: s.remarkBytes,
        bigRemarkRate: s.bigRemarkRate,
        redelivery: { probability: 0.01, maxMessages: 4 },
      });
      const truth = new Map<string, ExpectedOrder>();
      let expectedEvents = 0;
      for (const order of sim.groundTruth) {
        truth.set(order.orderId, order);
        expectedEvents += order.events.length;
      }
      await ensureTopics(connection, [{ topic: inputTopic, partitions: 4, config: { 'retention.ms': '-1', 'max.message.bytes': String(MB + 1024) } }]);
      await writeMessages(connection, inputTopic, sim.messages, { maxBatchBytes: MB });

      const stateDir = await mkdtemp(join(tmpdir(), 'e2e-big-'));
      dirs.push(stateDir);
      const run = () =>
        StreamsChild.run({
          topology: 'topologies/sale-orders.ts',
          brokers,
          applicationId,
          stateDir,
          guarantee: s.guarantee,
          params: { inputTopic, outputTopic, projectColumns: String(s.projectColumns) },
          extraArgs: ['--http-port', '0', '--commit-interval-ms', '500'],
        });

      let child = run();
      if (s.killWhileChunking) {
        await waitFor(
          'a task to write the pieces of a record',
          async () => {
            const text = await child.metrics().catch(() => undefined);
            return text !== undefined && processorMetricSum(text, 'chunkPiecesWritten') > 0 ? true : undefined;
          },
          { timeoutMs: 180_000, intervalMs: 20, child },
        );
        child.kill('SIGKILL');
        expect((await child.waitForExit(10_000)).signal).toBe('SIGKILL');
        child = run();
      }
      await waitFor(
        'the read_committed output to reach the expected event count',
        // Counted without exact repeats: under at_least_once a SIGKILL may repeat events, which must not end the wait early.
        async () => (withoutExactRepeats(await readEvents(outputTopic)).events.length >= expectedEvents ? true : undefined),
        { timeoutMs: 240_000, intervalMs: 1000, child },
      );
      const metrics = (await child.metrics()) ?? '';
      child.kill('SIGTERM');
      expect((await child.waitForExit(30_000)).code).toBe(0);
      expect(processorMetricSum(metrics, 'deadLetters')).toBe(0);
      expect(processorMetricSum(metrics, 'oversizeDeadLetters')).toBe(0);
      // Projected, the remark never reaches the repartition topic; carried, it must have crossed it in pieces.
      if (s.projectColumns) expect(processorMetricSum(metrics, 'chunkPiecesWritten')).toBe(0);
      else if (!s.killWhileChunking) expect(processorMetricSum(metrics, 'chunkedRecordsAssembled')).toBeGreaterThan(0);

      const verifier = new OrderEventVerifier(truth);
      // exactly_once: every event once. at_least_once after a SIGKILL: what was produced after the last
      // commit may come again, identical; anything else (a loss, a changed or reordered event) still fails.
      const read = await readEvents(outputTopic);
      const { events: observed, repeats } = s.guarantee === 'at_least_once' && s.killWhileChunking ? withoutExactRepeats(read) : { events: read, repeats: 0 };
      if (repeats > 0) console.log(`${applicationId}: ${repeats} event(s) repeated exactly after the SIGKILL (at_least_once)`);
      for (const event of observed) verifier.observe(event);
      const summary = verifier.result();
      expect(summary.ok, `seed ${seed}\n${formatVerification(summary)}`).toBe(true);
    });
  }
});
