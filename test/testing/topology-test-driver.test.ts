import { afterEach, describe, expect, it } from 'vitest';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import type { StreamRecord } from '../../src/processor/stream-record.js';
import type { Serde } from '../../src/serde/serde.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import { TopologyBuilder } from '../../src/topology/topology-builder.js';

const text: Serde<string> = {
  name: 'text',
  serialize: (v) => Buffer.from(v, 'utf8'),
  deserialize: (b) => b.toString('utf8'),
};
const int: Serde<number> = {
  name: 'int',
  serialize: (v) => Buffer.from(String(v), 'utf8'),
  deserialize: (b) => Number(b.toString('utf8')),
};

/** Counts values per key in a store and forwards the running count. */
class CountingProcessor implements Processor<string, string, string, number> {
  private context!: ProcessorContext<string, number>;
  init(context: ProcessorContext<string, number>): void {
    this.context = context;
  }
  async process(record: StreamRecord<string, string>): Promise<void> {
    const store = this.context.getStateStore<string, number>('counts');
    const next = ((await store.get(record.key)) ?? 0) + 1;
    store.put(record.key, next);
    this.context.forward({ ...record, value: next });
  }
}

function countingTopology() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['words'], keySerde: text, valueSerde: text })
    .addProcessor({ name: 'count', supplier: () => new CountingProcessor(), parents: ['in'], stores: ['counts'] })
    .addStore({ name: 'counts', keySerde: text, valueSerde: int })
    .addSink({ name: 'out', topic: 'counts-out', parents: ['count'], keySerde: text, valueSerde: int })
    .build();
}

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

describe('TopologyTestDriver', () => {
  it('runs records through a processor with a RocksDB store and returns outputs in order', async () => {
    const driver = await TopologyTestDriver.create(countingTopology());
    drivers.push(driver);
    for (const word of ['a', 'b', 'a', 'a']) await driver.pipeInput('words', word, word, { timestamp: 1 });
    const out = driver.readAllOutput<string, number>('counts-out').map((r) => [r.key, r.value]);
    expect(out).toEqual([['a', 1], ['b', 1], ['a', 2], ['a', 3]]);
    expect(await driver.getStore<string, number>('counts').get('a')).toBe(3);
  });

  it('writes every store change to its changelog topic', async () => {
    const driver = await TopologyTestDriver.create(countingTopology(), { storeKind: 'in-memory' });
    drivers.push(driver);
    await driver.pipeInput('words', 'x', 'x');
    await driver.pipeInput('words', 'x', 'x');
    const changelog = driver.readAllOutput<Buffer, Buffer>('test-app-counts-changelog');
    expect(changelog.map((r) => [r.key?.toString(), r.value?.toString()])).toEqual([['x', '1'], ['x', '2']]);
  });
});
