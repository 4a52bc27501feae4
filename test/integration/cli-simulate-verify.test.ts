import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerInspectCommand } from '../../src/cli/commands/inspect-command.js';
import { registerSimulateCommand } from '../../src/cli/commands/simulate-command.js';
import { registerVerifyCommand } from '../../src/cli/commands/verify-command.js';
import { avroOrderEventOf, type AvroOrderEvent } from '../../src/cli/order-event-avro.js';
import { EXIT_FAILURE, EXIT_OK } from '../../src/cli/program.js';
import { createTopologyEnvironment } from '../../src/index.js';
import { readGroundTruth, type ExpectedEvent } from '../../src/sim/index.js';
import { parseKafkaConnection } from '../../src/runtime/kafka-connection-config.js';
import { deleteTopics, ensureTopics, topicOffsets, writeMessages } from '../../src/kafka-tools/index.js';
import { runCommands } from '../cli/run-commands.js';

/**
 * simulate -> (the ground truth itself, written as Avro, stands in for the topology) -> verify: the
 * CLI's Kafka round trip against a real broker and registry, run in-process.
 */
describe('cdc-streams simulate and verify against a real broker', () => {
  const brokers = inject('kafkaBrokers');
  const registryUrl = inject('schemaRegistryUrl');
  const connection = parseKafkaConnection({ brokers: brokers.split(',') });
  const run = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  const input = `it-cli-dts-${run}`;
  const outputs: string[] = [];
  let dir: string;
  let truthFile: string;
  let expected: ExpectedEvent[];
  let simulateOut: string;
  const cli = (...args: string[]) =>
    runCommands([registerSimulateCommand, registerVerifyCommand, registerInspectCommand], ...args, '--brokers', brokers);

  /** Writes order events, keyed by order id, to a fresh single-partition topic. */
  async function writeOutput(events: readonly ExpectedEvent[], registry: string | undefined): Promise<string> {
    const topic = `it-cli-events-${run}-${outputs.length}`;
    outputs.push(topic);
    await ensureTopics(connection, [{ topic, partitions: 2 }]);
    const env = await createTopologyEnvironment({ schemasDir: 'schemas', ...(registry === undefined ? {} : { schemaRegistryUrl: registry }) });
    const serde = env.avro<AvroOrderEvent>('order-event');
    await serde.init?.(topic);
    await writeMessages(
      connection,
      topic,
      events.map((e) => ({
        partition: Number(BigInt(e.orderId) % 2n),
        key: Buffer.from(e.orderId),
        value: serde.serialize(avroOrderEventOf(e), { topic }),
      })),
    );
    return topic;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cdc-cli-'));
    truthFile = join(dir, 'truth.jsonl');
    const result = await cli(
      'simulate', '--topic', input, '--orders', '300', '--shards', '2', '--partitions', '3', '--seed', '7',
      '--redeliveries', '0.2', '--partition-increase', '4@200', '--ground-truth', truthFile,
    );
    expect(result.err).not.toContain('cdc-streams:');
    expect(result.code).toBe(EXIT_OK);
    simulateOut = result.out;
    expected = [...(await readGroundTruth(truthFile)).orders.values()].flatMap((o) => [...o.events]);
  });

  afterAll(async () => {
    await deleteTopics(connection, [input, ...outputs]);
    await rm(dir, { recursive: true, force: true });
  });

  it('simulate writes every message it reports, growing the topic from 3 to 4 partitions mid-run', async () => {
    const offsets = await topicOffsets(connection, input);
    expect(offsets).toHaveLength(4);
    const written = offsets.reduce((sum, o) => sum + Number(o.high - o.low), 0);
    expect(simulateOut).toContain(`topic:         ${input} (partitions 3 -> 4)`);
    expect(simulateOut).toContain(`messages:      ${written} (`);
    expect(offsets.every((o) => o.high > o.low)).toBe(true);
    expect(simulateOut).toMatch(/ground truth: {2}.*\(300 orders, \d+ events\)/);
  });

  it('inspect shows the first record of the topic as a decoded DTS envelope', async () => {
    const result = await cli('inspect', input, '--partition', '0', '--limit', '1', '--json');
    expect(result.err).toBe('');
    expect(result.code).toBe(EXIT_OK);
    const shown = JSON.parse(result.out) as { partition: number; offset: string; index: number; entries: Array<{ kind: string }> };
    expect(shown).toMatchObject({ partition: 0, offset: '0', index: 0 });
    expect(shown.entries[0]?.kind).toBe('begin');
  });

  it('simulate refuses a topic that already holds data unless --recreate', async () => {
    const again = await cli('simulate', '--topic', input, '--orders', '10', '--ground-truth', join(dir, 'other.jsonl'));
    expect(again.code).toBe(EXIT_FAILURE);
    expect(again.err).toMatch(new RegExp(`topic '${input}' already holds \\d+ records; pass --recreate`));
  });

  it('verify exits 0 when the output is exactly the ground truth (registry wire format)', async () => {
    const topic = await writeOutput(expected, registryUrl);
    const result = await cli('verify', '--topic', topic, '--ground-truth', truthFile, '--idle-ms', '500', '--schema-registry', registryUrl);
    expect(result.out).toContain('RESULT: OK');
    expect(result.out).toContain(`read ${expected.length} records`);
    expect(result.code).toBe(EXIT_OK);
  });

  it('verify exits 1 when an event is missing and another duplicated (single-object encoding)', async () => {
    const [first, second, ...rest] = expected;
    if (first === undefined || second === undefined) throw new Error('the ground truth has fewer than two events');
    const topic = await writeOutput([second, second, ...rest], undefined);
    const result = await cli('verify', '--topic', topic, '--ground-truth', truthFile, '--idle-ms', '500');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.out).toMatch(/missing-events\s+1\s+1/);
    expect(result.out).toMatch(/duplicated\s+1\s+1/);
    expect(result.out).toContain('RESULT: FAILED');
  });

  it('verify exits 1 and names the record when the output holds bytes that are not an order event', async () => {
    const topic = `it-cli-events-${run}-junk`;
    outputs.push(topic);
    await ensureTopics(connection, [{ topic, partitions: 1 }]);
    await writeMessages(connection, topic, [{ partition: 0, value: Buffer.from('not avro') }]);
    const result = await cli('verify', '--topic', topic, '--ground-truth', truthFile, '--idle-ms', '500');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.out).toContain('1 record(s) could not be decoded');
    expect(result.out).toContain(`${topic}/0@0`);
  });
});
