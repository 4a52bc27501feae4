import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyBuilder } from '../../src/topology/topology-builder.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Reads nothing; a wall-clock punctuation forwards one record, once — as a restarted CDC source re-announces its progress. */
function announceOnceTopology(input: string, output: string) {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: [input], keySerde: stringSerde, valueSerde: stringSerde })
    .addProcessor({
      name: 'announce',
      parents: ['in'],
      supplier: () => ({
        init(context: ProcessorContext<string, string>) {
          const handle = context.schedule(200, 'wall-clock', (now) => {
            handle.cancel();
            context.forward({ key: 'announce', value: `at-${now}`, timestamp: now, headers: {} });
          });
        },
        process: () => undefined,
      }),
    })
    .addSink({ name: 'out', topic: output, parents: ['announce'], keySerde: stringSerde, valueSerde: stringSerde })
    .build();
}

describe.each(['at_least_once', 'exactly_once'] as const)('output of a punctuation on a task without input (%s)', (guarantee) => {
  it('is committed and reaches a read_committed reader', async () => {
    const id = `it-punctuate-${guarantee}-${randomUUID().slice(0, 8)}`;
    const input = `${id}-in`;
    const output = `${id}-out`;
    await kit.createTopic(input, 1);
    await kit.createTopic(output, 1);
    const stateDir = await mkdtemp(join(tmpdir(), 'it-punctuate-'));
    dirs.push(stateDir);
    const app = new StreamsApp(announceOnceTopology(input, output), {
      applicationId: id,
      kafka: { brokers: splitBrokers(brokers) },
      stateDir,
      processingGuarantee: guarantee,
      commitIntervalMs: 300,
    });
    await app.start();
    try {
      const read = await kit.readUntil(output, (m) => m.length >= 1, 60_000);
      expect(read.map((m) => m.key?.toString())).toEqual(['announce']);
    } finally {
      await app.close();
    }
    await expect(app.stopped).resolves.toBeUndefined();
  });
});
