import { afterEach, describe, expect, it } from 'vitest';
import { pair } from '../../src/dsl/key-value-pair.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});
async function drive(builder: StreamsBuilder) {
  const driver = await TopologyTestDriver.create(builder.build(), { storeKind: 'in-memory' });
  drivers.push(driver);
  return driver;
}

const numbers = jsonSerde<number>();
const read = (driver: TopologyTestDriver, topic: string) =>
  driver.readAllOutput<string, unknown>(topic).map((r) => `${r.key}=${r.value === null ? 'null' : String(r.value)}`);

describe('KTable.filter and mapValues', () => {
  // Kafka Streams' KTableFilterTest: a row that stops matching is deleted from the filtered table.
  it('forwards matching rows, a delete when a row stops matching, and nothing for rows that never matched', async () => {
    const b = new StreamsBuilder();
    b.table('numbers', { keySerde: stringSerde, valueSerde: numbers, storeName: 'numbers' })
      .filter((n) => n % 2 === 0, { storeName: 'even' })
      .toStream()
      .to('even-out', { valueSerde: numbers });
    const driver = await drive(b);
    for (const [k, v] of [['A', 1], ['B', 2], ['A', 2], ['B', 3], ['A', 3], ['C', 5]] as const) await driver.pipeInput('numbers', k, v);
    expect(read(driver, 'even-out')).toEqual(['B=2', 'A=2', 'B=null', 'A=null']);
    await driver.pipeInput('numbers', 'D', 4);
    expect(await driver.getStore<string, number>('even').get('D')).toBe(4);
    expect(await driver.getStore<string, number>('even').get('A')).toBeUndefined();
  });

  it('maps values into a materialized, queryable table, and deletes with its source', async () => {
    const b = new StreamsBuilder();
    b.table('words', { keySerde: stringSerde, valueSerde: stringSerde })
      .mapValues((w) => w.length, { storeName: 'lengths', valueSerde: numbers })
      .toStream()
      .to('lengths-out', { valueSerde: numbers });
    const driver = await drive(b);
    await driver.pipeInput('words', 'k', 'abc');
    await driver.pipeInput('words', 'k', null);
    expect(read(driver, 'lengths-out')).toEqual(['k=3', 'k=null']);
    expect(await driver.getStore('lengths').get('k')).toBeUndefined();
  });
});

describe('KTable-KTable joins', () => {
  function joins() {
    const b = new StreamsBuilder();
    const left = b.table('left', { keySerde: stringSerde, valueSerde: stringSerde, storeName: 'left' });
    const right = b.table('right', { keySerde: stringSerde, valueSerde: stringSerde, storeName: 'right' });
    const label = (l: string | undefined, r: string | undefined) => `${l ?? '-'}+${r ?? '-'}`;
    left.join(right, label, { storeName: 'inner', valueSerde: stringSerde }).toStream().to('inner', { valueSerde: stringSerde });
    left.leftJoin(right, label).toStream().to('left-join', { valueSerde: stringSerde });
    left.outerJoin(right, label).toStream().to('outer', { valueSerde: stringSerde });
    return b;
  }

  // Kafka Streams' KTableKTableInnerJoinTest, KTableKTableLeftJoinTest and KTableKTableOuterJoinTest, side by side.
  it('joins on the key from either side’s updates: inner, left and outer, deletes included', async () => {
    const driver = await drive(joins());
    await driver.pipeInput('left', 'A', 'a1');
    await driver.pipeInput('right', 'A', 'b1');
    await driver.pipeInput('left', 'A', 'a2');
    await driver.pipeInput('right', 'B', 'b2');
    await driver.pipeInput('left', 'A', null);
    await driver.pipeInput('right', 'A', null);
    expect(read(driver, 'inner')).toEqual(['A=a1+b1', 'A=a2+b1', 'A=null']);
    expect(read(driver, 'left-join')).toEqual(['A=a1+-', 'A=a1+b1', 'A=a2+b1', 'A=null']);
    expect(read(driver, 'outer')).toEqual(['A=a1+-', 'A=a1+b1', 'A=a2+b1', 'B=-+b2', 'A=-+b1', 'A=null']);
    await driver.pipeInput('left', 'B', 'a3');
    expect(await driver.getStore<string, string>('inner').get('B')).toBe('a3+b2');
  });

  it('joins a stream with a table that has no store of its own, reading through to its parent', async () => {
    const b = new StreamsBuilder();
    const vip = b.table('users', { keySerde: stringSerde, valueSerde: stringSerde }).filter((tier) => tier === 'gold');
    b.stream<string, string>('clicks', { keySerde: stringSerde, valueSerde: stringSerde })
      .join(vip, (page, tier) => `${tier}:${page}`)
      .to('vip-clicks', { valueSerde: stringSerde });
    const driver = await drive(b);
    await driver.pipeInput('users', 'u1', 'gold');
    await driver.pipeInput('users', 'u2', 'silver');
    await driver.pipeInput('clicks', 'u1', '/a');
    await driver.pipeInput('clicks', 'u2', '/b');
    expect(read(driver, 'vip-clicks')).toEqual(['u1=gold:/a']);
  });
});

describe('KTable.groupBy', () => {
  // Kafka Streams' KTableAggregateTest: rows moving between groups are subtracted from the old one.
  it('counts rows per group, moving a row’s count when its group changes and removing it when it is deleted', async () => {
    const b = new StreamsBuilder();
    b.table('user-regions', { keySerde: stringSerde, valueSerde: stringSerde })
      .groupBy((region, user) => pair(region, user), { keySerde: stringSerde, valueSerde: stringSerde })
      .count({ storeName: 'users-per-region' })
      .toStream()
      .to('region-counts', { valueSerde: numbers });
    const driver = await drive(b);
    for (const [user, region] of [['alice', 'asia'], ['bob', 'europe'], ['alice', 'europe'], ['bob', 'asia'], ['alice', null]] as const) {
      await driver.pipeInput('user-regions', user, region);
    }
    expect(read(driver, 'region-counts')).toEqual(['asia=1', 'europe=1', 'asia=0', 'europe=2', 'europe=1', 'asia=1', 'europe=0']);
    expect(await driver.getStore<string, number>('users-per-region').get('asia')).toBe(1);
  });

  it('applies an update that stays in its group as one change: one new aggregate, no intermediate', async () => {
    const b = new StreamsBuilder();
    b.table('orders', { keySerde: stringSerde, valueSerde: jsonSerde<{ region: string; amount: number }>() })
      .groupBy((order) => pair(order.region, order.amount), { keySerde: stringSerde, valueSerde: numbers })
      .aggregate(() => 0, (_region, amount, sum) => sum + amount, (_region, amount, sum) => sum - amount, { storeName: 'sales', valueSerde: numbers })
      .toStream()
      .to('sales-out', { valueSerde: numbers });
    const driver = await drive(b);
    await driver.pipeInput('orders', 'o1', { region: 'eu', amount: 10 });
    await driver.pipeInput('orders', 'o2', { region: 'eu', amount: 5 });
    await driver.pipeInput('orders', 'o1', { region: 'eu', amount: 12 });
    await driver.pipeInput('orders', 'o1', { region: 'us', amount: 12 });
    expect(read(driver, 'sales-out')).toEqual(['eu=10', 'eu=15', 'eu=17', 'eu=5', 'us=12']);
  });

  it('reduces with adder and subtractor, deleting a group that reduced to nothing', async () => {
    const b = new StreamsBuilder();
    b.table('items', { keySerde: stringSerde, valueSerde: stringSerde })
      .groupBy((item, id) => pair(item, id), { keySerde: stringSerde, valueSerde: stringSerde })
      .reduce((ids, id) => `${ids},${id}`, (ids, id) => ids.split(',').filter((x) => x !== id).join(','), { storeName: 'ids' })
      .toStream()
      .to('ids-out', { valueSerde: stringSerde });
    const driver = await drive(b);
    await driver.pipeInput('items', '1', 'pen');
    await driver.pipeInput('items', '2', 'pen');
    await driver.pipeInput('items', '1', 'ink');
    expect(read(driver, 'ids-out')).toEqual(['pen=1', 'pen=1,2', 'pen=2', 'ink=1']);
  });
});

describe('KStream.toTable', () => {
  it('materializes the stream as a table whose latest value per key is queryable', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('prices', { keySerde: stringSerde, valueSerde: stringSerde }).toTable({ storeName: 'latest-price' });
    const driver = await drive(b);
    await driver.pipeInput('prices', 'sku-1', '9.90');
    await driver.pipeInput('prices', 'sku-1', '8.90');
    expect(await driver.getStore<string, string>('latest-price').get('sku-1')).toBe('8.90');
  });
});
