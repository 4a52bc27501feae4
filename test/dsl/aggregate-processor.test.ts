import { describe, expect, it } from 'vitest';
import { aggregateProcessor } from '../../src/dsl/aggregate-processor.js';
import type { Change } from '../../src/dsl/table-change.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import type { StreamRecord } from '../../src/processor/stream-record.js';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { utf8Serde } from '../state/store-test-helpers.js';

const numberSerde = {
  name: 'number-text',
  serialize: (n: number) => Buffer.from(String(n)),
  deserialize: (d: Buffer) => Number(d.toString()),
};

async function sumsOver(onDisk: Record<string, number>) {
  const inner = new InMemoryBytesStore('sums');
  await inner.open();
  await inner.write(Object.entries(onDisk).map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(String(v)) })));
  const store = new CachingKeyValueStore<string, number>(inner, { keySerde: utf8Serde, valueSerde: numberSerde });
  const forwarded: Array<StreamRecord<string, Change<number>>> = [];
  const context = {
    getStateStore: () => store,
    forward: (record: StreamRecord<string, Change<number>>) => forwarded.push(record),
  } as unknown as ProcessorContext<string, Change<number>>;
  const processor = aggregateProcessor<string, number, number>('sums', () => 0, (_k, v, sum) => sum + v)();
  processor.init?.(context);
  return { store, processor, forwarded };
}

const record = (key: string, value: number): StreamRecord<string, number> => ({ key, value, timestamp: 1, headers: {} });

describe('aggregateProcessor', () => {
  it('processes a record synchronously when its aggregate is in memory, and awaits the store only on a miss', async () => {
    const { processor, forwarded } = await sumsOver({ a: 10 });
    const miss = processor.process(record('a', 1));
    expect(miss).toBeInstanceOf(Promise);
    await miss;
    // 'a' is now buffered; 'b' was read as absent by the prefetch.
    await processor.prefetch?.([record('b', 0)]);
    expect(processor.process(record('a', 2))).toBeUndefined();
    expect(processor.process(record('b', 5))).toBeUndefined();
    expect(forwarded.map((r) => [r.key, r.value.newValue, r.value.oldValue])).toEqual([
      ['a', 11, 10],
      ['a', 13, 11],
      ['b', 5, undefined],
    ]);
  });

  it('a failing aggregator fails the record whether or not its aggregate was in memory', async () => {
    const failing = aggregateProcessor<string, number, number>('sums', () => 0, () => {
      throw new Error('aggregator failed');
    })();
    const { store } = await sumsOver({});
    failing.init?.({ getStateStore: () => store, forward: () => undefined } as unknown as ProcessorContext<string, Change<number>>);
    await expect(failing.process(record('x', 1)) as Promise<void>).rejects.toThrow('aggregator failed');
    // The miss above read 'x' as absent, so this time it is answered from memory.
    expect(() => failing.process(record('x', 1))).toThrow('aggregator failed');
  });
});
