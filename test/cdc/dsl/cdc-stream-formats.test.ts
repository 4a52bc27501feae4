import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';
import { changeEventSerde } from '../../../src/cdc/change-event-serde.js';
import { cdcStream } from '../../../src/cdc/dsl/cdc-stream.js';
import { resequence } from '../../../src/cdc/dsl/resequence.js';
import { DLQ_HEADER_ERROR_CLASS, DLQ_HEADER_ERROR_MESSAGE, DLQ_HEADER_OFFSET, DLQ_HEADER_PARTITION, DLQ_HEADER_TOPIC } from '../../../src/common/constants.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.js';
import { allCaptured, rawSource, type CapturedRecord } from '../debezium/fixtures.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

/** cdcStream → key by order id → resequence → `out`, the way sale-orders uses it. */
async function orderedByOrder(build: (b: StreamsBuilder) => ReturnType<typeof cdcStream>, topics: Record<string, { partitions: number }>): Promise<TopologyTestDriver> {
  const b = new StreamsBuilder();
  build(b)
    .filter((c) => c.row['order_id'] !== undefined && c.row['order_id'] !== null)
    .selectKey((c) => String(c.row['order_id']))
    .pipe(resequence({ keySerde: stringSerde }))
    .to('out', { keySerde: stringSerde, valueSerde: changeEventSerde });
  const driver = await TopologyTestDriver.create(b.build(), { topics, applicationId: 'formats-test' });
  drivers.push(driver);
  return driver;
}

const describeEvent = (e: ChangeEvent): string => `${e.table} ${e.op} ${e.source.gtid} ${String(e.after?.['status'] ?? e.before?.['status'] ?? '')}`;

describe('cdcStream format debezium, over records captured from MariaDB', () => {
  const records = allCaptured('envelope').filter((r) => r.at.topic !== 'heartbeat');
  const prefix = rawSource(records.find((r) => r.at.topic === 'sale.orders') as CapturedRecord)['name'] as string;
  const topicOf = (r: CapturedRecord): string => `${prefix}.${r.at.topic}`;
  const topics = { [`${prefix}.sale.orders`]: { partitions: 1 }, [`${prefix}.sale.payments`]: { partitions: 1 }, [`${prefix}.transaction`]: { partitions: 1 } };
  const build = (b: StreamsBuilder) => cdcStream(b, [`${prefix}.sale.orders`, `${prefix}.sale.payments`], { format: 'debezium' });
  const pipe = async (driver: TopologyTestDriver, list: readonly CapturedRecord[]): Promise<void> => {
    for (const r of list) if (r.at.topic !== 'sale.type_probe') await driver.pipeRawInput(topicOf(r), r.key, r.value as Buffer, { partition: 0, timestamp: 1 });
  };

  it("orders an order's rows across the orders and payments topics by binlog position, whatever order the topics are read in", async () => {
    const driver = await orderedByOrder(build, topics);
    // The payments topic first, then the transaction topic, then the orders topic: the furthest from binlog order.
    const byTopic = (topic: string) => records.filter((r) => r.at.topic === topic);
    await pipe(driver, [...byTopic('sale.payments'), ...byTopic('transaction'), ...byTopic('sale.orders')]);
    const out = driver.readAllOutput<string, ChangeEvent>('out').filter((r) => r.key === '1900000000000000001');
    const gtid = (name: string) => rawSource(records.find((r) => r.at.topic === name && r.name.endsWith('.0')) as CapturedRecord)['gtid'];
    expect(out.map((r) => describeEvent(r.value))).toEqual([
      `orders insert ${String(gtid('sale.orders'))} CREATED`,
      `orders update ${String(gtid('sale.payments'))} PAID`,
      `payments insert ${String(gtid('sale.payments'))} `,
      expect.stringMatching(/^orders update \S+ PAID$/) as unknown as string,
    ]);
  });

  it('holds the rows of a transaction until its END and every row END counts have come', async () => {
    const driver = await orderedByOrder(build, topics);
    const markers = records.filter((r) => r.at.topic === 'transaction');
    const orders = records.filter((r) => r.at.topic === 'sale.orders');
    // Everything but the payment row of the PAID transaction: its END counts one payments row.
    await pipe(driver, [...orders, ...markers]);
    const released = driver.readAllOutput<string, ChangeEvent>('out').map((r) => describeEvent(r.value));
    expect(released).toEqual([expect.stringMatching(/^orders insert \S+ CREATED$/)]);
    await pipe(driver, records.filter((r) => r.at.topic === 'sale.payments'));
    expect(driver.readAllOutput<string, ChangeEvent>('out').length).toBeGreaterThanOrEqual(4);
  });

  it('dead-letters a record that is not a change event, naming topic, partition, offset and the reason, and loses nothing valid', async () => {
    const driver = await orderedByOrder(build, topics);
    await driver.pipeRawInput(`${prefix}.sale.orders`, null, Buffer.from('{"op":"c","payload":'), { partition: 0, timestamp: 1 });
    await pipe(driver, records);
    const letters = driver.readAllOutput<Buffer, Buffer>(driver.deadLetterTopic());
    expect(letters).toHaveLength(1);
    expect(letters[0]?.headers).toMatchObject({
      [DLQ_HEADER_TOPIC]: `${prefix}.sale.orders`,
      [DLQ_HEADER_PARTITION]: '0',
      [DLQ_HEADER_OFFSET]: '0',
      [DLQ_HEADER_ERROR_CLASS]: 'DebeziumDecodeError',
    });
    expect(letters[0]?.headers[DLQ_HEADER_ERROR_MESSAGE]).toMatch(/not JSON/);
    expect(driver.readAllOutput<string, ChangeEvent>('out').filter((r) => r.key === '1900000000000000001')).toHaveLength(4);
  });
});

describe('cdcStream format debezium, snapshot rows', () => {
  it('sets a snapshot row aside in the dead-letter topic, saying why, instead of losing it downstream', async () => {
    const records = allCaptured('envelope');
    const insert = records.find((r) => r.name === 'sale.orders.0') as CapturedRecord;
    const prefix = rawSource(insert)['name'] as string;
    const json = JSON.parse((insert.value as Buffer).toString('utf8')) as { payload: Record<string, unknown> };
    json.payload['op'] = 'r';
    json.payload['transaction'] = null;
    const driver = await orderedByOrder((b) => cdcStream(b, [`${prefix}.sale.orders`], { format: 'debezium' }), {
      [`${prefix}.sale.orders`]: { partitions: 1 },
      [`${prefix}.transaction`]: { partitions: 1 },
    });
    await driver.pipeRawInput(`${prefix}.sale.orders`, insert.key, Buffer.from(JSON.stringify(json)), { partition: 0, timestamp: 1 });
    const letters = driver.readAllOutput<Buffer, Buffer>(driver.deadLetterTopic());
    expect(letters.map((l) => l.headers[DLQ_HEADER_ERROR_CLASS])).toEqual(['UnorderableEventError']);
    expect(letters[0]?.headers[DLQ_HEADER_ERROR_MESSAGE]).toMatch(/sale\.orders snapshot row .*snapshot\.mode=no_data/);
  });
});

describe('cdcStream format canal-json', () => {
  const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'canal');
  const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

  it('releases each partition in its own order (each partition is its own shard) and dead-letters what is not a flat message', async () => {
    const driver = await orderedByOrder((b) => cdcStream(b, 'canal.sale', { format: 'canal-json' }), { 'canal.sale': { partitions: 2 } });
    await driver.pipeRawInput('canal.sale', null, fixture('insert.json'), { partition: 0, timestamp: 1 });
    await driver.pipeRawInput('canal.sale', null, Buffer.from('not json'), { partition: 0, timestamp: 1 });
    await driver.pipeRawInput('canal.sale', null, fixture('update.json'), { partition: 0, timestamp: 1 });
    await driver.pipeRawInput('canal.sale', null, fixture('delete.json'), { partition: 1, timestamp: 1 });
    const out = driver.readAllOutput<string, ChangeEvent>('out').map((r) => `${r.key} ${r.value.table} ${r.value.op} ${r.value.source.serverId}`);
    expect(out.filter((line) => line.startsWith('1900000000000000001 orders'))).toEqual([
      '1900000000000000001 orders insert canal.sale#0',
      '1900000000000000001 orders update canal.sale#0',
    ]);
    expect(out).toContain('1900000000000000001 payments delete canal.sale#1');
    const letters = driver.readAllOutput<Buffer, Buffer>(driver.deadLetterTopic());
    expect(letters.map((l) => [l.headers[DLQ_HEADER_TOPIC], l.headers[DLQ_HEADER_OFFSET], l.headers[DLQ_HEADER_ERROR_CLASS]])).toEqual([['canal.sale', '1', 'CanalDecodeError']]);
  });
});
