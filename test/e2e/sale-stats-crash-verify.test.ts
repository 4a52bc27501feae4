import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createAvroRecordDecoder } from '../../src/cli/avro-record-decoder.js';
import { registerVerifyCommand } from '../../src/cli/commands/verify-command.js';
import { EXIT_OK } from '../../src/cli/program.js';
import { parseKafkaConnection, splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { ensureTopics, readTopic, writeMessages } from '../../src/kafka-tools/index.js';
import {
  formatSaleStatsVerification,
  saleStatsOf,
  SaleStatsVerifier,
  simulateFlashSale,
  writeGroundTruth,
  type ExpectedOrder,
  type SkuMinuteStats,
  type SkuTotals,
} from '../../src/sim/index.js';
import { runCommands } from '../cli/run-commands.js';
import { testSeed } from '../serde/seeded-random.js';
import { metricValue, StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * topologies/sale-stats.ts end to end: a simulated flash sale (3 shards, 4 partitions, DTS messages cut
 * to at most 400 bytes, redelivered stretches, heartbeats) into `cdc-streams run --guarantee
 * exactly_once`, killed with SIGKILL mid-run and restarted. The read_committed per-minute statistics
 * hold every product's every minute exactly once with exact figures, and the last running total per
 * product is right — checked in-process and by `cdc-streams verify --sale-stats`.
 */
const brokers = inject('kafkaBrokers');
// Records are decoded in whichever Avro framing they carry; the registry is there for the wire format.
const registry = { schemaRegistryUrl: inject('schemaRegistryUrl') };
const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
const dirs: string[] = [];
afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function readAll<T>(topic: string, type: string): Promise<T[]> {
  const decoder = await createAvroRecordDecoder<T>(type, { schemasDir: 'schemas', ...registry });
  const values: T[] = [];
  for await (const record of readTopic(connection, topic, { isolation: 'read_committed', idleMs: 2000 })) values.push(await decoder.decode(record));
  return values;
}

describe('sale-stats over Kafka: chunked DTS input, exactly_once, one SIGKILL', () => {
  it('emits every product’s every minute once, with the ground truth’s figures', { timeout: 420_000 }, async () => {
    const seed = testSeed('sale-stats-crash-verify');
    const applicationId = `e2e-stats-${randomUUID().slice(0, 8)}`;
    const inputTopic = `${applicationId}.dts.sale`;
    const statsTopic = `${applicationId}.sku-minute-stats`;
    const totalsTopic = `${applicationId}.sku-totals`;
    const sim = simulateFlashSale({ seed, orders: 600, shards: 3, skus: 6, partitions: 4, maxMessageBytes: 400 });
    const orders: ExpectedOrder[] = [...sim.groundTruth];
    const truth = saleStatsOf(orders);
    let totalUpdates = 0;
    for (const t of truth.totals.values()) totalUpdates += t.created + t.paid + t.cancelled + t.expired;
    await ensureTopics(connection, [{ topic: inputTopic, partitions: 4, config: { 'retention.ms': '-1' } }]);
    await writeMessages(connection, inputTopic, sim.messages);
    expect(sim.stats.pieces).toBeGreaterThan(500);
    expect(sim.stats.redeliveredMessages).toBeGreaterThan(0);

    const stateDir = await mkdtemp(join(tmpdir(), 'e2e-stats-'));
    dirs.push(stateDir);
    const run = () =>
      StreamsChild.run({
        topology: 'topologies/sale-stats.ts',
        brokers,
        applicationId,
        stateDir,
        guarantee: 'exactly_once',
        params: { inputTopic, statsTopic, totalsTopic },
        extraArgs: ['--http-port', '0', '--commit-interval-ms', '300'],
      });

    const first = run();
    await waitFor(
      'a fifth of the running-total updates to be produced',
      async () => {
        const text = await first.metrics().catch(() => undefined);
        const produced = text === undefined ? undefined : metricValue(text, 'cdc_streams_records_out_total', `topic="${totalsTopic}"`);
        return produced !== undefined && produced >= totalUpdates / 5 ? produced : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 200, child: first },
    );
    first.kill('SIGKILL');
    expect((await first.waitForExit(10_000)).signal).toBe('SIGKILL');

    const second = run();
    await waitFor(
      'every minute and every running-total update to be committed',
      async () => {
        const minutes = await readAll<SkuMinuteStats>(statsTopic, 'sku-minute-stats');
        if (minutes.length < truth.minutes.size) return undefined;
        return (await readAll<SkuTotals>(totalsTopic, 'sku-totals')).length >= totalUpdates ? true : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 2000, child: second },
    );
    second.kill('SIGTERM');
    expect((await second.waitForExit(15_000)).code).toBe(0);

    const verifier = new SaleStatsVerifier(truth);
    for (const minute of await readAll<SkuMinuteStats>(statsTopic, 'sku-minute-stats')) verifier.observeMinute(minute);
    const totals = await readAll<SkuTotals>(totalsTopic, 'sku-totals');
    for (const update of totals) verifier.observeTotals(update);
    const summary = verifier.result();
    expect(summary.ok, `seed ${seed}\n${formatSaleStatsVerification(summary)}`).toBe(true);
    // exactly_once: one update per counted event, none doubled by the crash.
    expect(totals.length).toBe(totalUpdates);

    const truthFile = join(stateDir, 'ground-truth.jsonl');
    await writeGroundTruth(truthFile, orders, sim.meta);
    const cli = await runCommands(
      [registerVerifyCommand],
      'verify', '--sale-stats', '--ground-truth', truthFile, '--topic', statsTopic, '--totals-topic', totalsTopic, '--idle-ms', '1000', '--brokers', brokers,
      '--schema-registry', registry.schemaRegistryUrl,
    );
    expect(cli.out).toContain('RESULT: OK');
    expect(cli.code).toBe(EXIT_OK);
  });
});
