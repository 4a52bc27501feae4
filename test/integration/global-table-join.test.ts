import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
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

/**
 * A GlobalKTable over a real broker: every instance reads the whole (multi-partition) topic before it
 * processes anything, so the first orders already find every product, and it follows later updates.
 */
describe('GlobalKTable over Kafka', () => {
  it('is read whole before processing starts and follows updates while running', async () => {
    const id = `it-global-${randomUUID().slice(0, 8)}`;
    const [products, orders, out] = [`${id}-products`, `${id}-orders`, `${id}-out`];
    await kit.createTopic(products, 3);
    await kit.createTopic(orders, 2);
    await kit.produce(products, Array.from({ length: 30 }, (_, i) => ({ key: `sku-${i}`, value: `product ${i}` })));
    await kit.produce(orders, Array.from({ length: 30 }, (_, i) => ({ key: `order-${i}`, value: `sku-${i}` })));

    const b = new StreamsBuilder();
    const catalog = b.globalTable(products, { keySerde: stringSerde, valueSerde: stringSerde, storeName: 'catalog' });
    b.stream<string, string>(orders, { keySerde: stringSerde, valueSerde: stringSerde })
      .leftJoin(catalog, (_order, sku) => sku, (sku, name) => `${sku}=${name ?? 'unknown'}`)
      .to(out, { valueSerde: stringSerde });
    const stateDir = await mkdtemp(join(tmpdir(), 'it-global-'));
    dirs.push(stateDir);
    const app = new StreamsApp(b.build(), { applicationId: id, kafka: { brokers: splitBrokers(brokers) }, stateDir, commitIntervalMs: 300 });
    await app.start();
    try {
      const first = await kit.readUntil(out, (m) => m.length >= 30);
      expect(first.filter((m) => m.value?.toString().endsWith('=unknown'))).toEqual([]);
      await kit.produce(products, [{ key: 'sku-new', value: 'brand new' }]);
      // Until the reader has applied the update, an order for it comes out unknown: order again until it does.
      let seen = first.length;
      let joined = false;
      for (let attempt = 0; attempt < 60 && !joined; attempt++) {
        await kit.produce(orders, [{ key: `order-new-${attempt}`, value: 'sku-new' }]);
        const all = await kit.readUntil(out, (m) => m.length > seen);
        seen = all.length;
        joined = all.some((m) => m.value?.toString() === 'sku-new=brand new');
      }
      expect(joined).toBe(true);
    } finally {
      await app.close();
    }
    await expect(app.stopped).resolves.toBeUndefined();
  });
});
