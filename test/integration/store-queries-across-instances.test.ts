import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { registerQueryCommand } from '../../src/cli/commands/query-command.js';
import { TOPOLOGY_FOR_WORKER_MODULE, topologyForWorkerArgs } from '../../src/cli/topology-for-worker.js';
import { createMetricsRegistry } from '../../src/ops/metrics.js';
import { startOpsServer, type OpsServer } from '../../src/ops/ops-server.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import type { StoreOwners, StoreOwnersReport } from '../../src/runtime/store-owners.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { runCommands } from '../cli/run-commands.js';
import { COUNT_TOPOLOGY_FILE, countInput, countTopology } from '../support/e2e-count-data.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { recordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/streams-child.js';

/**
 * Interactive queries across instances, as Kafka Streams' `application.server`: every instance
 * advertises its ops server in the group, the leader's assignment tells every instance which one owns
 * which task, so any instance answers for any key — itself, or by naming the owner (421), which
 * `cdc-streams query` then asks. One instance runs its tasks in two stream threads: the owner is
 * still the instance.
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const KEYS = 24;
const PER_KEY = 3;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Instance {
  readonly app: StreamsApp;
  readonly server: OpsServer;
  readonly endpoint: string;
}

describe('store-queries-across-instances', () => {
  it('answers every key from either instance, lists both owners, and after one leaves the other owns everything', { timeout: 90_000 }, async () => {
    const applicationId = `it-owners-${randomUUID().slice(0, 8)}`;
    const topics = { input: `${applicationId}-in`, mapped: `${applicationId}-ids`, counts: `${applicationId}-counts` };
    await kit.createTopic(topics.input, 4);
    const logger = recordingLogger();
    const instance = async (threads: number): Promise<Instance> => {
      const stateDir = await mkdtemp(join(tmpdir(), 'it-owners-'));
      dirs.push(stateDir);
      const advertised: { endpoint?: string } = {};
      const app = new StreamsApp(
        await countTopology(topics),
        { applicationId, kafka: { brokers: splitBrokers(brokers) }, stateDir, commitIntervalMs: 200, numStreamThreads: threads },
        {
          logger,
          endpoint: () => advertised.endpoint,
          workerTopology: { module: TOPOLOGY_FOR_WORKER_MODULE, args: topologyForWorkerArgs(COUNT_TOPOLOGY_FILE, { params: { ...topics } }) },
        },
      );
      // The server first: the endpoint goes into the group when the app joins.
      const server = await startOpsServer({ port: 0, host: '127.0.0.1', app, registry: createMetricsRegistry(app, { defaultMetrics: false }), logger, dashboard: false });
      const endpoint = `127.0.0.1:${server.port}`;
      advertised.endpoint = endpoint;
      return { app, server, endpoint };
    };
    const get = async <T>(at: Instance, path: string): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${at.server.url}${path}`);
      return { status: response.status, body: (await response.json()) as T };
    };
    const owners = async (at: Instance): Promise<StoreOwners & Omit<StoreOwnersReport, 'stores'>> => {
      const answer = await get<StoreOwners & Omit<StoreOwnersReport, 'stores'>>(at, '/stores/counts');
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const query = (at: Instance, key: string) => runCommands([registerQueryCommand], 'query', 'counts', key, '--url', at.server.url);
    const keys = Array.from({ length: KEYS }, (_, k) => `key-${k}`);

    const a = await instance(1);
    const b = await instance(2);
    try {
      await a.app.start();
      await b.app.start();
      const split = await waitFor(
        'both instances to hold two tasks each and to know who owns which',
        async () => {
          const [fromA, fromB] = [await owners(a), await owners(b)];
          const spread = (report: StoreOwners) => new Set(report.partitions.map((p) => p.owner));
          const settled = a.app.snapshot().ready && b.app.snapshot().ready && a.app.snapshot().tasks.length === 2 && b.app.snapshot().tasks.length === 2;
          return settled && spread(fromA).size === 2 && JSON.stringify(fromA.partitions.map((p) => p.owner)) === JSON.stringify(fromB.partitions.map((p) => p.owner))
            ? { fromA, fromB }
            : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(split.fromA.instances).toEqual([a.endpoint, b.endpoint].sort());
      expect(split.fromA.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
      for (const p of split.fromA.partitions) {
        expect(p.owner, `partition ${p.partition}: the owner A names is the instance that runs it`).toBe(p.local ? a.endpoint : b.endpoint);
      }
      expect(split.fromB.partitions.filter((p) => p.local).map((p) => p.owner)).toEqual(split.fromB.partitions.filter((p) => p.local).map(() => b.endpoint));

      await kit.produce(topics.input, countInput({ to: KEYS * PER_KEY }, KEYS));
      await waitFor(
        'every key counted',
        async () => {
          const [committed, ends] = await Promise.all([kit.committedOffsets(applicationId, topics.input), kit.endOffsets(topics.input)]);
          return [...ends].every(([p, end]) => committed.get(p) === end) ? true : undefined;
        },
        { timeoutMs: 30_000 },
      );

      // A non-owner names the owner; the CLI follows it from either instance.
      const heldBy = new Map<string, string>();
      for (const key of keys) {
        const answers = [await get<{ owner?: string }>(a, `/stores/counts/${key}`), await get<{ owner?: string }>(b, `/stores/counts/${key}`)];
        expect(answers.map((x) => x.status).sort(), `${key}: one instance holds it, the other names it`).toEqual([200, 421]);
        const misdirected = answers.find((x) => x.status === 421)!;
        heldBy.set(key, misdirected.body.owner!);
        for (const at of [a, b]) expect(await query(at, key), `${key} asked at ${at.endpoint}`).toMatchObject({ code: 0, out: `${PER_KEY}\n` });
      }
      expect(new Set(heldBy.values()), 'keys on both instances').toEqual(new Set([a.endpoint, b.endpoint]));
      const followed = await query(a, keys.find((k) => heldBy.get(k) === b.endpoint)!);
      expect(followed.err).toContain(`asking its owner ${b.endpoint}`);

      await b.app.close();
      await b.server.close();
      const alone = await waitFor(
        'A to own every partition after B left',
        async () => {
          const report = await owners(a);
          return report.partitions.every((p) => p.local && p.owner === a.endpoint) && a.app.snapshot().ready ? report : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(alone.instances).toEqual([a.endpoint]);
      for (const key of keys) {
        expect(await get(a, `/stores/counts/${key}`), `${key} after B left`).toMatchObject({ status: 200, body: { found: true, value: PER_KEY } });
      }
      expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await Promise.all([a.app.close(), b.app.close()]);
      await Promise.all([a.server.close(), b.server.close()]);
    }
  });
});
