import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function countTopology(input: string, upper: string, counts: string) {
  const b = new StreamsBuilder();
  const lines = b.stream<string, string>(input, { keySerde: stringSerde, valueSerde: stringSerde });
  lines.mapValues((v) => v.toUpperCase()).to(upper, { valueSerde: stringSerde });
  lines.groupByKey().count({ storeName: 'counts' }).toStream().to(counts, { valueSerde: jsonSerde<number>() });
  return b.build();
}

describe.each(['at_least_once', 'exactly_once'] as const)('a stateless and a count topology over 6 partitions (%s)', (guarantee) => {
  it('maps every record once and ends with the exact count per key', async () => {
    const id = `it-count-${guarantee}-${randomUUID().slice(0, 8)}`;
    const input = `${id}-in`;
    const upper = `${id}-upper`;
    const counts = `${id}-counts`;
    await kit.createTopic(input, 6);
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
    const messages = Array.from({ length: 6000 }, (_, i) => ({ key: keys[i % keys.length]!, value: `value-${i}` }));
    await kit.produce(input, messages);

    const stateDir = await mkdtemp(join(tmpdir(), 'it-count-'));
    dirs.push(stateDir);
    const app = new StreamsApp(countTopology(input, upper, counts), {
      applicationId: id,
      kafka: { brokers: splitBrokers(brokers) },
      stateDir,
      processingGuarantee: guarantee,
      commitIntervalMs: 300,
    });
    await app.start();
    try {
      const mapped = await kit.readUntil(upper, (m) => m.length >= messages.length);
      expect(new Set(mapped.map((m) => m.value?.toString())).size).toBe(messages.length);
      expect(mapped.every((m) => m.value?.toString().startsWith('VALUE-'))).toBe(true);
      const latest = new Map<string, number>();
      await kit.readUntil(counts, (all) => {
        const newest = all[all.length - 1]!;
        latest.set(newest.key!.toString(), JSON.parse(newest.value!.toString()) as number);
        return keys.every((k) => latest.get(k) === messages.length / keys.length);
      });
      expect(keys.map((k) => latest.get(k))).toEqual(keys.map(() => messages.length / keys.length));
      if (guarantee === 'exactly_once') expect(mapped.length).toBe(messages.length);
    } finally {
      await app.close();
    }
    await expect(app.stopped).resolves.toBeUndefined();
  });
});
