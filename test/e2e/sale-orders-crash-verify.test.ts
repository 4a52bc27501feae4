import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createOrderEventDecoder, toOutputOrderEvent } from '../../src/cli/order-event-avro.js';
import { parseKafkaConnection, splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { ensureTopics, readTopic, writeMessages } from '../../src/kafka-tools/index.js';
import { formatVerification, OrderEventVerifier, simulateFlashSale, type ExpectedOrder } from '../../src/sim/index.js';
import { testSeed } from '../serde/seeded-random.js';
import { metricValue, StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * docs/design.md 3.1-3.5 and 2.1 end to end: a simulated flash sale (3 shards, 6 partitions, every DTS
 * message cut to at most 400 bytes so most transactions arrive as chunk pieces, redelivered stretches,
 * heartbeats) into sale-orders running as `cdc-streams run --guarantee exactly_once`, killed with
 * SIGKILL once mid-run and restarted on an empty state dir (as on another machine): changelogged stores
 * are restored, the held events (no changelog) are read again from the repartition topic from the
 * resequencer's held offset, and the payment timers (no changelog) are registered again from the
 * orders. The read_committed output matches the simulator's ground truth, every order's events once
 * and in order. (A restart on the same state dir is what the SIGKILLs of partition-growth-keeps-every-row
 * and big-rows-pass do.)
 */
const brokers = inject('kafkaBrokers');
const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
const dirs: string[] = [];
afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function readEvents(topic: string) {
  const decoder = await createOrderEventDecoder({ schemasDir: 'schemas' });
  const events = [];
  for await (const record of readTopic(connection, topic, { isolation: 'read_committed', idleMs: 2000 })) {
    events.push(toOutputOrderEvent(await decoder.decode(record)));
  }
  return events;
}

describe.each([1, 2])('sale-orders over Kafka: chunked DTS input, exactly_once, one SIGKILL, restarted on an empty state dir (%i stream threads)', (threads) => {
  it('produces exactly the ground truth for every order', { timeout: 420_000 }, async () => {
    const seed = testSeed('sale-orders-crash-verify');
    const applicationId = `e2e-sale-${randomUUID().slice(0, 8)}`;
    const inputTopic = `${applicationId}.dts.sale`;
    const outputTopic = `${applicationId}.order-events`;
    const sim = simulateFlashSale({ seed, orders: 1200, shards: 3, partitions: 6, maxMessageBytes: 400 });
    const truth = new Map<string, ExpectedOrder>();
    let expectedEvents = 0;
    for (const order of sim.groundTruth) {
      truth.set(order.orderId, order);
      expectedEvents += order.events.length;
    }
    await ensureTopics(connection, [{ topic: inputTopic, partitions: 6, config: { 'retention.ms': '-1' } }]);
    const { messages: inputMessages } = await writeMessages(connection, inputTopic, sim.messages);
    expect(sim.stats.pieces).toBeGreaterThan(1000);
    expect(sim.stats.redeliveredMessages).toBeGreaterThan(0);

    const firstDisk = await mkdtemp(join(tmpdir(), 'e2e-sale-'));
    const secondDisk = await mkdtemp(join(tmpdir(), 'e2e-sale-'));
    dirs.push(firstDisk, secondDisk);
    const run = (stateDir: string) =>
      StreamsChild.run({
        topology: 'topologies/sale-orders.ts',
        brokers,
        applicationId,
        stateDir,
        guarantee: 'exactly_once',
        params: { inputTopic, outputTopic },
        extraArgs: ['--http-port', '0', '--commit-interval-ms', '300', '--threads', String(threads)],
      });

    const first = run(firstDisk);
    // The tasks really run where --threads says.
    await waitFor('the tasks to start', async () => ((await first.taskThreads().catch(() => [])).length > 0 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 100,
      child: first,
    });
    expect(await first.taskThreads()).toEqual(threads === 1 ? ['main'] : ['stream-thread-1', 'stream-thread-2']);
    // Killed a third of the way through the input (output comes in bursts as watermarks move, so the
    // input says better how far it got).
    await waitFor(
      'a third of the input to be processed',
      async () => {
        const text = await first.metrics().catch(() => undefined);
        const read = text === undefined ? undefined : metricValue(text, 'cdc_streams_records_in_total', `topic="${inputTopic}"`);
        return read !== undefined && read >= inputMessages / 3 ? read : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 50, child: first },
    );
    first.kill('SIGKILL');
    expect((await first.waitForExit(10_000)).signal).toBe('SIGKILL');

    const second = run(secondDisk);
    // The restarted instance has its tasks again (after the dead one's group session ended), so the
    // SIGTERM below stops a running application, not one still joining the group.
    await waitFor('the restarted tasks to run', async () => ((await second.taskThreads().catch(() => [])).length > 0 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 250,
      child: second,
    });
    await waitFor(
      'the read_committed output to reach the expected event count',
      async () => ((await readEvents(outputTopic)).length >= expectedEvents ? true : undefined),
      { timeoutMs: 240_000, intervalMs: 1000, child: second },
    );
    second.kill('SIGTERM');
    expect((await second.waitForExit(15_000)).code).toBe(0);

    const verifier = new OrderEventVerifier(truth);
    for (const event of await readEvents(outputTopic)) verifier.observe(event);
    const summary = verifier.result();
    expect(summary.ok, formatVerification(summary)).toBe(true);
  });
});
