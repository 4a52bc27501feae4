import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

interface Order {
  readonly sku: string;
  readonly qty: number;
}

function ordersWithProducts() {
  const b = new StreamsBuilder();
  const products = b.globalTable('products', { keySerde: stringSerde, valueSerde: stringSerde, storeName: 'products' });
  const orders = b.stream<string, Order>('orders', { keySerde: stringSerde, valueSerde: jsonSerde<Order>() });
  orders.join(products, (_id, order) => order.sku, (order, name) => `${order.qty} x ${name}`).to('named', { valueSerde: stringSerde });
  orders.leftJoin(products, (_id, order) => order.sku, (order, name) => `${order.qty} x ${name ?? '?'}`).to('named-or-not', { valueSerde: stringSerde });
  return b;
}

describe('GlobalKTable', () => {
  it('joins stream records by a key they compute, on every partition, without a repartition; inner drops records with no row', async () => {
    const driver = await TopologyTestDriver.create(ordersWithProducts().build(), {
      storeKind: 'in-memory',
      topics: { orders: { partitions: 3 }, products: { partitions: 2 } },
    });
    drivers.push(driver);
    await driver.pipeInput('products', 'sku-1', 'pen');
    await driver.pipeInput('products', 'sku-2', 'ink');
    for (const [id, sku, partition] of [['o1', 'sku-1', 0], ['o2', 'sku-2', 1], ['o3', 'sku-9', 2]] as const) {
      await driver.pipeInput('orders', id, { sku, qty: 2 }, { partition });
    }
    expect(driver.readAllOutput<string, string>('named').map((r) => `${r.key}:${r.value}`)).toEqual(['o1:2 x pen', 'o2:2 x ink']);
    expect(driver.readAllOutput<string, string>('named-or-not').map((r) => `${r.key}:${r.value}`)).toEqual(['o1:2 x pen', 'o2:2 x ink', 'o3:2 x ?']);
    expect(ordersWithProducts().build().describe()).toContain('Global store: products (topic: products');
  });

  it('follows updates and deletes of its topic, and survives a restart that loses the state directory', async () => {
    const driver = await TopologyTestDriver.create(ordersWithProducts().build(), { storeKind: 'persistent' });
    drivers.push(driver);
    await driver.pipeInput('products', 'sku-1', 'pen');
    await driver.pipeInput('products', 'sku-1', 'fountain pen');
    await driver.pipeInput('products', 'sku-2', 'ink');
    await driver.pipeInput('products', 'sku-2', null);
    expect(await driver.getGlobalStore<string, string>('products').get('sku-1')).toBe('fountain pen');
    expect(await driver.getGlobalStore<string, string>('products').get('sku-2')).toBeUndefined();
    await driver.restart({ wipeState: true });
    await driver.pipeInput('orders', 'o1', { sku: 'sku-1', qty: 1 });
    expect(driver.readAllOutput<string, string>('named').map((r) => r.value)).toEqual(['1 x fountain pen']);
  });

  it('is read-only to processors', async () => {
    const driver = await TopologyTestDriver.create(ordersWithProducts().build(), { storeKind: 'in-memory' });
    drivers.push(driver);
    expect(() => driver.getGlobalStore<string, string>('products').put('sku-1', 'x')).toThrow(/global store 'products' is read-only/);
  });

  it('reports a global table whose topic a stream also reads as a build problem', () => {
    const b = new StreamsBuilder();
    b.globalTable('products', { keySerde: stringSerde, valueSerde: stringSerde });
    b.stream('products').to('copy');
    expect(b.validate().join('\n')).toMatch(/topic 'products' is read by both/);
  });
});
