import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { createMetricsRegistry } from '../../src/ops/metrics.js';
import { startOpsServer } from '../../src/ops/ops-server.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { bytesSerde } from '../../src/serde/bytes-serde.js';
import { int64KeySerde } from '../../src/serde/keys/index.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { recordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/streams-child.js';

/**
 * Interactive queries name the key as text; a running application converts it to each store's key
 * type. A store with bytes keys (timers, the resequencer's held events) takes hex, and a key that
 * cannot be one of the store's keys is the client's mistake (400), not a server failure (500).
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('store-queries-by-key-type', () => {
  it('answers bytes keys given in hex, numeric keys given as numbers, and 400 for a key of the wrong form', async () => {
    const applicationId = `it-query-${randomUUID().slice(0, 8)}`;
    const input = `${applicationId}-in`;
    await kit.createTopic(input, 1);
    const b = new StreamsBuilder();
    b.addStateStore({ name: 'by-bytes', keySerde: bytesSerde, valueSerde: stringSerde });
    b.addStateStore({ name: 'by-number', keySerde: int64KeySerde, valueSerde: stringSerde });
    b.stream(input, { keySerde: stringSerde, valueSerde: stringSerde }).process(
      () => {
        let context: ProcessorContext<never, never> | undefined;
        return {
          init: (c) => {
            context = c;
          },
          process: (record) => {
            context?.getStateStore<Buffer, string>('by-bytes').put(Buffer.from(record.key, 'utf8'), record.value);
            context?.getStateStore<bigint, string>('by-number').put(BigInt(record.value.length), record.value);
          },
        };
      },
      { stores: ['by-bytes', 'by-number'] },
    );
    const stateDir = await mkdtemp(join(tmpdir(), 'it-query-'));
    dirs.push(stateDir);
    const logger = recordingLogger();
    const app = new StreamsApp(b.build(), { applicationId, kafka: { brokers: splitBrokers(brokers) }, stateDir, commitIntervalMs: 200 }, { logger });
    await app.start();
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', app, registry: createMetricsRegistry(app, { defaultMetrics: false }), logger });
    const get = async (path: string) => {
      const response = await fetch(`${server.url}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    try {
      await kit.produce(input, [{ key: 'k1', value: 'hello', partition: 0 }]);
      const hex = Buffer.from('k1').toString('hex');
      const found = await waitFor('the record in the store', async () => {
        const answer = await get(`/stores/by-bytes/${hex}`);
        return answer.status === 200 ? answer : undefined;
      }, { timeoutMs: 60_000 });
      expect(found.body).toMatchObject({ store: 'by-bytes', key: hex, found: true, value: 'hello' });
      expect(await get('/stores/by-number/5')).toMatchObject({ status: 200, body: { found: true, value: 'hello' } });
      expect(await get('/stores/by-number/6')).toMatchObject({ status: 404, body: { found: false } });

      expect(await get('/stores/by-bytes/x')).toEqual({
        status: 400,
        body: { store: 'by-bytes', key: 'x', message: "'x' is not a key of store 'by-bytes' (bytes keys): give the key's bytes in hex, e.g. /stores/by-bytes/0a1b2c" },
      });
      expect(await get('/stores/by-number/five')).toMatchObject({ status: 400 });
      expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await server.close();
      await app.close();
    }
  });
});
