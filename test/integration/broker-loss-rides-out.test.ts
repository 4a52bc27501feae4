import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestartableBroker, type RestartableBrokerHandle } from '../../src/local-broker/index.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { isBrokerUnreachable } from '../../src/runtime/kafka/kafka-connect-errors.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyBuilder } from '../../src/topology/topology-builder.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { recordingLogger, type LoggedLine } from '../support/recording-logger.js';
import { waitFor } from '../support/streams-child.js';

/**
 * A running application that loses its broker (docs/reliability.md, "What survives what"): its
 * commits fail while the broker is away; it starts a new runtime in-process once the broker answers
 * again, or stops with the error once the broker has been away longer than `brokerLossTimeoutMs`.
 * The broker is the test's own: it is restarted, then stopped for good.
 */
let broker: RestartableBrokerHandle;
const dirs: string[] = [];

beforeAll(async () => {
  broker = await startRestartableBroker({ log: (line) => process.stderr.write(`[broker-loss broker] ${line}\n`) });
}, 120_000);

afterAll(async () => {
  await broker.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/**
 * Reads nothing; a wall-clock punctuation every 200 ms counts in a store and forwards the count, so
 * there is always a transaction to commit, and the read_committed output shows whether the store and
 * the output stayed in step (1, 2, 3, ... with no number missing or twice).
 */
function tickerTopology(input: string, output: string) {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: [input], keySerde: stringSerde, valueSerde: stringSerde })
    .addStore({ name: 'ticks', keySerde: stringSerde, valueSerde: stringSerde })
    .addProcessor({
      name: 'tick',
      parents: ['in'],
      stores: ['ticks'],
      supplier: () => ({
        init(context: ProcessorContext<string, string>) {
          const ticks = context.getStateStore<string, string>('ticks');
          context.schedule(200, 'wall-clock', async (now) => {
            const count = Number((await ticks.get('count')) ?? '0') + 1;
            ticks.put('count', String(count));
            context.forward({ key: 'tick', value: String(count), timestamp: now, headers: {} });
          });
        },
        process: () => undefined,
      }),
    })
    .addSink({ name: 'out', topic: output, parents: ['tick'], keySerde: stringSerde, valueSerde: stringSerde })
    .build();
}

/** The counts read, which must be 1..n each once. */
function counts(messages: ReadonlyArray<{ value: Buffer | null }>): number[] {
  return messages.map((m) => Number(m.value?.toString()));
}

async function tickerApp(brokerLossTimeoutMs: number, lines: LoggedLine[]): Promise<{ app: StreamsApp; output: string; kit: KafkaTestKit }> {
  const id = `it-broker-loss-${randomUUID().slice(0, 8)}`;
  const kit = new KafkaTestKit(broker.brokers);
  await kit.createTopic(`${id}-in`, 1);
  await kit.createTopic(`${id}-out`, 1);
  const stateDir = await mkdtemp(join(tmpdir(), 'it-broker-loss-'));
  dirs.push(stateDir);
  const app = new StreamsApp(
    tickerTopology(`${id}-in`, `${id}-out`),
    { applicationId: id, kafka: { brokers: splitBrokers(broker.brokers) }, stateDir, processingGuarantee: 'exactly_once', commitIntervalMs: 200, sessionTimeoutMs: 6000, brokerLossTimeoutMs },
    { logger: recordingLogger(lines) },
  );
  return { app, output: `${id}-out`, kit };
}

/** A failure with the app's log (info and above) appended: what the runtimes did is the evidence. */
function withLog(error: unknown, lines: readonly LoggedLine[]): Error {
  const log = lines
    .filter((l) => l.level !== 'debug')
    .map((l) => `${l.level} ${l.message}`)
    .join('\n');
  return new Error(`${error instanceof Error ? error.message : String(error)}\nthe app's log:\n${log}`, { cause: error });
}

function settled(promise: Promise<void>): () => boolean {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

describe('an application that loses its broker', () => {
  it('starts a new runtime once the broker is back, and its output goes on', { timeout: 180_000 }, async () => {
    const lines: LoggedLine[] = [];
    const { app, output, kit } = await tickerApp(120_000, lines);
    const stopped = settled(app.stopped);
    await app.start();
    try {
      await kit.readUntil(output, (m) => m.length >= 1, 60_000);
      // The broker comes back only once the app has noticed: its commit failed and it waits to start again.
      await broker.restart({
        whileDown: () =>
          waitFor('the app to lose the broker', () => Promise.resolve(lines.find((l) => l.message.startsWith('the broker is unreachable'))), { timeoutMs: 90_000 }),
      });
      await waitFor('the app to run again', () => Promise.resolve(lines.find((l) => l.message.startsWith('the application runs again'))), { timeoutMs: 120_000 });
      const runsAgainAt = Date.now();
      // The new runtime punctuates and commits: more counts arrive, going on from the store's last commit.
      const read = counts(await kit.readUntil(output, (m) => m.filter((r) => Number(r.timestamp) > runsAgainAt).length >= 5, 60_000));
      expect(read).toEqual(read.map((_, i) => i + 1));
      expect(stopped()).toBe(false);
      expect(app.state).toBe('RUNNING');
      const lost = lines.filter((l) => l.message.startsWith('the broker is unreachable'));
      expect(lost.every((l) => l.level === 'warn')).toBe(true);
    } catch (error) {
      throw withLog(error, lines);
    } finally {
      await app.close();
    }
    await expect(app.stopped).resolves.toBeUndefined();
  });

  it('stops with the unreachable error once the broker stays away longer than brokerLossTimeoutMs; close() while it waits stops it cleanly', { timeout: 180_000 }, async () => {
    const lines: LoggedLine[] = [];
    const { app, output, kit } = await tickerApp(5_000, lines);
    const waitingLines: LoggedLine[] = [];
    const waiting = await tickerApp(120_000, waitingLines);
    await Promise.all([app.start(), waiting.app.start()]);
    await Promise.all([kit.readUntil(output, (m) => m.length >= 1, 60_000), waiting.kit.readUntil(waiting.output, (m) => m.length >= 1, 60_000)]);
    await broker.stop();

    // The one with 2 minutes to go waits for the broker, and is closed meanwhile.
    await waitFor('the waiting app to lose the broker', () => Promise.resolve(waitingLines.find((l) => l.message.startsWith('the broker is unreachable'))), {
      timeoutMs: 90_000,
    }).catch((error: unknown) => {
      throw withLog(error, waitingLines);
    });
    expect(['REBALANCING', 'STARTING']).toContain(waiting.app.state);
    await waiting.app.close();
    await expect(waiting.app.stopped).resolves.toBeUndefined();
    expect(waiting.app.state).toBe('NOT_RUNNING');

    const error = await app.stopped.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isBrokerUnreachable(error)) throw withLog(error ?? new Error('the app stopped without an error'), lines);
    expect(error).toBeInstanceOf(Error);
    expect(lines.filter((l) => l.message.startsWith('the broker is unreachable')).length).toBeGreaterThanOrEqual(1);
    expect(lines.find((l) => l.message.startsWith('the broker stayed unreachable'))).toMatchObject({ level: 'error' });
    expect(app.state).toBe('NOT_RUNNING');
  });
});
