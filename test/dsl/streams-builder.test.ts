import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});
async function drive(builder: StreamsBuilder, options: Parameters<typeof TopologyTestDriver.create>[1] = {}) {
  const driver = await TopologyTestDriver.create(builder.build(), options);
  drivers.push(driver);
  return driver;
}

describe('StreamsBuilder DSL', () => {
  it('counts words across lines through a repartition, emitting the running count per word', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('lines', { keySerde: stringSerde, valueSerde: stringSerde })
      .flatMapValues((line) => line.toLowerCase().split(/\s+/).filter((w) => w.length > 0))
      .groupBy((word) => word, { keySerde: stringSerde, valueSerde: stringSerde })
      .count({ storeName: 'word-counts' })
      .toStream()
      .to('word-counts-out', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
    const driver = await drive(b);
    await driver.pipeInput('lines', 'l1', 'the cat and the hat');
    await driver.pipeInput('lines', 'l2', 'The end');
    const latest = new Map<string, number>();
    for (const r of driver.readAllOutput<string, number>('word-counts-out')) latest.set(r.key, r.value);
    expect(Object.fromEntries(latest)).toEqual({ the: 3, cat: 1, and: 1, hat: 1, end: 1 });
    expect(await driver.getStore<string, number>('word-counts').get('the')).toBe(3);
  });

  it('joins a stream with a table on the key, dropping records with no table row (inner) and keeping them (left)', async () => {
    const b = new StreamsBuilder();
    const users = b.table<string, string>('users', { keySerde: stringSerde, valueSerde: stringSerde, storeName: 'users' });
    const clicks = b.stream<string, string>('clicks', { keySerde: stringSerde, valueSerde: stringSerde });
    clicks.join(users, (page, name) => `${name}:${page}`).to('inner', { valueSerde: stringSerde });
    clicks.leftJoin(users, (page, name) => `${name ?? '?'}:${page}`).to('left', { valueSerde: stringSerde });
    const driver = await drive(b);
    await driver.pipeInput('users', 'u1', 'ann');
    await driver.pipeInput('clicks', 'u1', '/home');
    await driver.pipeInput('clicks', 'u2', '/about');
    await driver.pipeInput('users', 'u1', 'anne');
    await driver.pipeInput('clicks', 'u1', '/cart');
    expect(driver.readAllOutput<string, string>('inner').map((r) => r.value)).toEqual(['ann:/home', 'anne:/cart']);
    expect(driver.readAllOutput<string, string>('left').map((r) => r.value)).toEqual(['ann:/home', '?:/about', 'anne:/cart']);
  });

  it('splits a stream into three branches, each record going to the first branch it matches', async () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream<string, string>('numbers', { keySerde: stringSerde, valueSerde: stringSerde })
      .mapValues((v) => Number(v))
      .split({ name: 'by-size' })
      .branch((n) => n < 10, { name: 'small' })
      .branch((n) => n < 100, { name: 'medium' })
      .defaultBranch({ name: 'large' });
    for (const [name, stream] of branches) stream.mapValues(String).to(name, { valueSerde: stringSerde });
    expect([...branches.keys()]).toEqual(['by-size-small', 'by-size-medium', 'by-size-large']);
    const driver = await drive(b);
    for (const n of [5, 50, 500, 9, 99, 100]) await driver.pipeInput('numbers', 'k', String(n));
    const values = (topic: string) => driver.readAllOutput<string, string>(topic).map((r) => r.value);
    expect(values('by-size-small')).toEqual(['5', '9']);
    expect(values('by-size-medium')).toEqual(['50', '99']);
    expect(values('by-size-large')).toEqual(['500', '100']);
  });

  it('reduces values per key, starting from the first value', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('prices', { keySerde: stringSerde, valueSerde: stringSerde })
      .groupByKey()
      .reduce((a, v) => (Number(v) > Number(a) ? v : a), { storeName: 'max-price' })
      .toStream()
      .to('max-out');
    const driver = await drive(b);
    for (const [k, v] of [['a', '3'], ['b', '1'], ['a', '2'], ['a', '7']] as const) await driver.pipeInput('prices', k, v);
    expect(driver.readAllOutput<string, string>('max-out').map((r) => `${r.key}=${r.value}`)).toEqual(['a=3', 'b=1', 'a=3', 'a=7']);
  });

  it('keeps the value type through mapValues and merges two streams in arrival order', async () => {
    const b = new StreamsBuilder();
    const left = b.stream<string, string>('left', { keySerde: stringSerde, valueSerde: stringSerde }).mapValues((v) => v.length);
    const right = b.stream<string, string>('right', { keySerde: stringSerde, valueSerde: stringSerde }).mapValues((v) => v.length * 100);
    left.merge(right).mapValues((n: number) => String(n)).to('lengths', { valueSerde: stringSerde });
    const driver = await drive(b);
    await driver.pipeInput('left', 'k', 'abc');
    await driver.pipeInput('right', 'k', 'de');
    expect(driver.readAllOutput<string, string>('lengths').map((r) => r.value)).toEqual(['3', '200']);
  });

  it('reports a sink whose value serde was lost by a map, naming the sink', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde }).mapValues((v) => ({ v })).to('out');
    expect(b.validate().join('\n')).toMatch(/sink 'KSTREAM-SINK-0000000002' writing topic 'out' needs a value serde/);
    expect(() => b.build()).toThrow(/needs a value serde/);
  });
});
