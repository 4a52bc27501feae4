import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { windowStoreSpec } from '../../src/dsl/window-store-spec.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import type { StreamRecord } from '../../src/processor/stream-record.js';
import type { WindowStore } from '../../src/state/window-store.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

describe('windowStoreSpec (Processor API)', () => {
  it('gives a processor a window store it opens in init, fetches from, and the driver can read', async () => {
    const MINUTE = 60_000;
    const recent = windowStoreSpec({ name: 'recent', keySerde: stringSerde, valueSerde: jsonSerde<number>(), windowSizeMs: MINUTE, retentionMs: 60 * MINUTE });
    const b = new StreamsBuilder().addWindowStore(recent);
    b.stream<string, string>('clicks', { keySerde: stringSerde, valueSerde: stringSerde })
      .process<string, number>(
        () => {
          let store: WindowStore<string, number>;
          let context: ProcessorContext<string, number>;
          return {
            async init(c: ProcessorContext<string, number>) {
              context = c;
              store = await recent.open(c);
            },
            async process(record: StreamRecord<string, string>) {
              const start = Math.floor(record.timestamp / MINUTE) * MINUTE;
              store.put(record.key, start, ((await store.get(record.key, start)) ?? 0) + 1);
              let lastTen = 0;
              for await (const { value } of store.fetch(record.key, start - 9 * MINUTE, start)) lastTen += value;
              context.forward({ key: record.key, value: lastTen, timestamp: record.timestamp, headers: {} });
            },
          };
        },
        { stores: ['recent'] },
      )
      .to('last-ten-minutes', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
    const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
    drivers.push(driver);
    for (const t of [0, 1, MINUTE, 9 * MINUTE, 10 * MINUTE]) await driver.pipeInput('clicks', 'u', 'x', { timestamp: t });
    expect(driver.readAllOutput<string, number>('last-ten-minutes').map((r) => r.value)).toEqual([1, 2, 3, 4, 3]);
    const store = await driver.getWindowStore<string, number>('recent');
    expect(await store.get('u', 0)).toBe(2);
  });
});
