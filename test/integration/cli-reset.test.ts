import { access, mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { registerResetCommand } from '../../src/cli/commands/reset-command.js';
import { loadTopology } from '../../src/cli/load-topology.js';
import { EXIT_OK } from '../../src/cli/program.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { runCommands } from '../cli/run-commands.js';
import { countInput } from '../support/e2e-count-data.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';

/** `cdc-streams reset`, like Kafka Streams' reset tool: the next run starts from scratch. */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('cdc-streams reset', () => {
  it('deletes the internal topics and the state directory and rewinds the input, so a new run processes everything again', async () => {
    const applicationId = `it-reset-${randomUUID().slice(0, 8)}`;
    const params = { input: `${applicationId}-in`, mapped: `${applicationId}-ids`, counts: `${applicationId}-counts` };
    await kit.createTopic(params.input, 3);
    const input = countInput({ to: 300 }, 10);
    await kit.produce(params.input, input);
    const stateDir = await mkdtemp(join(tmpdir(), 'it-reset-'));
    dirs.push(stateDir);
    const loaded = await loadTopology('test/fixtures/topologies/e2e-count.ts', { params });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const runOnce = async (expectedMapped: number) => {
      const app = new StreamsApp(loaded.topology, { applicationId, kafka: { brokers: splitBrokers(brokers) }, stateDir, commitIntervalMs: 200 });
      await app.start();
      try {
        await kit.readUntil(params.mapped, (m) => m.length >= expectedMapped);
      } finally {
        await app.close();
      }
    };
    await runOnce(input.length);
    const admin = kit.kafka.admin();
    await admin.connect();
    try {
      const internal = [`${applicationId}-counts-changelog`, `${applicationId}-dlq`];
      expect((await admin.listTopics()).filter((t) => internal.includes(t)).sort()).toEqual(internal.sort());
      expect(await exists(stateDir)).toBe(true);

      const reset = await runCommands(
        [registerResetCommand],
        'reset',
        'test/fixtures/topologies/e2e-count.ts',
        '--brokers',
        brokers,
        '--application-id',
        applicationId,
        '--state-dir',
        stateDir,
        ...Object.entries(params).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
        '--yes',
      );
      expect(reset.err).toBe('');
      expect(reset.code).toBe(EXIT_OK);
      expect((await admin.listTopics()).filter((t) => internal.includes(t))).toEqual([]);
      expect(await exists(stateDir)).toBe(false);
      expect((await admin.listTopics()).includes(params.input)).toBe(true);
    } finally {
      await admin.disconnect();
    }

    // Every input record is processed a second time: the mapped output now holds each id twice.
    await runOnce(2 * input.length);
    const mapped = await kit.readUntil(params.mapped, (m) => m.length >= 2 * input.length);
    const seen = new Map<string, number>();
    for (const m of mapped) seen.set(m.value!.toString(), (seen.get(m.value!.toString()) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 2)).toBe(true);
    expect(seen.size).toBe(input.length);
  });
});
