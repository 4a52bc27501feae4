import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import type { StreamRecord } from '../../src/processor/stream-record.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import type { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import { TimeWindows } from '../../src/dsl/windows.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

/** "a,b,c" becomes three records keyed a, b and c, forwarded together. */
function splitter(): Processor<string, string, string, string> {
  let context: ProcessorContext<string, string>;
  return {
    init(c) {
      context = c;
    },
    process(record: StreamRecord<string, string>) {
      for (const part of record.value.split(',')) context.forward({ key: part, value: part, timestamp: record.timestamp, headers: {} });
    },
  };
}

/** Counts the bytes store's reads under a store: one getMany per batch, no single gets, is the point. */
function countReads(driver: TopologyTestDriver, store: string): { gets: number; getManys: number[] } {
  const inner = (driver.getStore(store) as unknown as CachingKeyValueStore<unknown, unknown>).inner;
  const counts = { gets: 0, getManys: [] as number[] };
  const get = inner.get.bind(inner);
  const getMany = inner.getMany.bind(inner);
  inner.get = (key) => {
    counts.gets++;
    return get(key);
  };
  inner.getMany = (keys) => {
    counts.getManys.push(keys.length);
    return getMany(keys);
  };
  return counts;
}

describe('aggregations read a batch’s keys in one round trip', () => {
  it('KGroupedStream.count prefetches the keys of the records forwarded together', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde })
      .process(splitter)
      .groupByKey({ keySerde: stringSerde, valueSerde: stringSerde })
      .count({ storeName: 'counts' });
    const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
    drivers.push(driver);
    const reads = countReads(driver, 'counts');
    await driver.pipeInput('in', 'k', 'a,b,c');
    expect(reads).toEqual({ gets: 0, getManys: [3] });
    expect(await driver.getStore<string, number>('counts').get('b')).toBe(1);
  });

  it('a windowed aggregation prefetches the windows of the records forwarded together', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde })
      .process(splitter)
      .groupByKey({ keySerde: stringSerde, valueSerde: stringSerde })
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
      .count({ storeName: 'windowed-counts' });
    const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
    drivers.push(driver);
    const reads = countReads(driver, 'windowed-counts');
    await driver.pipeInput('in', 'k', 'a,b', { timestamp: 7 });
    // Two keys, two hopping windows each, in one getMany.
    expect(reads.getManys).toEqual([4]);
    expect(reads.gets).toBe(0);
  });
});
