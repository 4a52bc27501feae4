import { afterEach, describe, expect, it } from 'vitest';
import { CHANGELOG_CHUNKED_HEADER, CHANGELOG_PIECE_HEADER, CHUNK_HEADER, DLQ_HEADER_ERROR_CLASS, DLQ_HEADER_ERROR_MESSAGE, DLQ_HEADER_VALUE_OMITTED } from '../../../src/common/constants.js';
import type { ProcessorContext } from '../../../src/processor/processor-context.js';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import { bytesSerde } from '../../../src/serde/bytes-serde.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';
import { internalTopic } from '../../../src/topology/topic-ref.js';

const LIMIT = 20_000;

/**
 * `in` (key: text, value: bytes) is repartitioned by key; downstream, `remember` keeps the last value
 * per key in a store and forwards it to `out`, whose limit the test chooses.
 */
function rememberingTopology() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], keySerde: stringSerde, valueSerde: bytesSerde })
    .addSink({ name: 'to-rekey', topic: internalTopic('rekey'), parents: ['in'], keySerde: stringSerde, valueSerde: bytesSerde })
    .addSource({ name: 'rekeyed', topics: [internalTopic('rekey')], keySerde: stringSerde, valueSerde: bytesSerde })
    .addProcessor({
      name: 'remember',
      parents: ['rekeyed'],
      stores: ['last'],
      supplier: () => {
        let context: ProcessorContext<string, Buffer>;
        return {
          init(c: ProcessorContext<string, Buffer>) {
            context = c;
          },
          process(record: StreamRecord<string, Buffer>) {
            context.getStateStore<string, Buffer>('last').put(record.key, record.value);
            context.forward(record);
          },
        };
      },
    })
    .addStore({ name: 'last', keySerde: stringSerde, valueSerde: bytesSerde })
    .addSink({ name: 'to-out', topic: 'out', parents: ['remember'], keySerde: stringSerde, valueSerde: bytesSerde })
    .build();
}

/** Distinct, recognisable bytes: a value that arrives shifted or cut would not compare equal. */
function valueOf(bytes: number, seed: number): Buffer {
  const value = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) value[i] = (i * 31 + seed) & 0xff;
  return value;
}

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

async function driverWith(outLimit: number, dlqLimit = LIMIT): Promise<TopologyTestDriver> {
  const driver = await TopologyTestDriver.create(rememberingTopology(), {
    maxMessageBytes: LIMIT,
    topics: { in: { partitions: 2 }, out: { partitions: 1, maxMessageBytes: outLimit }, 'test-app-dlq': { partitions: 1, maxMessageBytes: dlqLimit } },
  });
  drivers.push(driver);
  return driver;
}

describe('records bigger than a Kafka message', () => {
  it('cross a repartition topic in pieces that each fit its limit, and arrive whole', async () => {
    const driver = await driverWith(1_000_000);
    const big = valueOf(250_000, 1);
    await driver.pipeInput('in', 'k1', big);
    await driver.pipeInput('in', 'k2', valueOf(100, 2));
    const pieces = driver.readAllOutput<Buffer, Buffer>('test-app-rekey');
    expect(pieces.filter((r) => r.headers[CHUNK_HEADER] !== undefined).length).toBeGreaterThan(250_000 / LIMIT);
    const out = driver.readAllOutput<string, Buffer>('out');
    expect(out.map((r) => r.key)).toEqual(['k1', 'k2']);
    expect(out[0]?.value.equals(big)).toBe(true);
    expect(out[0]?.headers[CHUNK_HEADER]).toBeUndefined();
  });

  it('keep a store value bigger than its changelog allows, restored whole from the changelog after the state is lost', async () => {
    const driver = await driverWith(1_000_000);
    const first = valueOf(120_000, 3);
    const second = valueOf(90_000, 4);
    await driver.pipeInput('in', 'k', first);
    await driver.pipeInput('in', 'k', second);
    await driver.pipeInput('in', 'small', valueOf(10, 5));
    const changelog = driver.readAllOutput<Buffer, Buffer>('test-app-last-changelog');
    expect(changelog.some((r) => r.headers[CHANGELOG_CHUNKED_HEADER] !== undefined)).toBe(true);
    // The pieces of the first value were tombstoned when the second replaced it.
    expect(changelog.some((r) => r.headers[CHANGELOG_PIECE_HEADER] !== undefined && r.value === null)).toBe(true);

    await driver.restart({ wipeState: true });
    const restored = await Promise.all([0, 1].map((p) => driver.getStore<string, Buffer>('last', p).get('k')));
    expect(restored.filter((v) => v !== undefined)).toHaveLength(1);
    expect(restored.find((v) => v !== undefined)?.equals(second)).toBe(true);
  });

  it('sends a record too big for its output topic to the dead-letter topic, naming both sizes, and keeps running', async () => {
    const driver = await driverWith(5_000, 1_000_000);
    const big = valueOf(12_000, 6);
    await driver.pipeInput('in', 'k', big);
    await driver.pipeInput('in', 'next', valueOf(100, 7));
    expect(driver.readAllOutput<string, Buffer>('out').map((r) => r.key)).toEqual(['next']);
    const [dead] = driver.readAllOutput<Buffer, Buffer>('test-app-dlq');
    expect(dead?.headers[DLQ_HEADER_ERROR_CLASS]).toBe('RecordTooLargeError');
    expect(String(dead?.headers[DLQ_HEADER_ERROR_MESSAGE])).toMatch(/exceeds the topic's limit of 5000 bytes/);
    expect(dead?.value?.equals(big)).toBe(true);
  });

  it('sends such a dead letter without its value when the dead-letter topic cannot take it either', async () => {
    const driver = await driverWith(5_000, 5_000);
    await driver.pipeInput('in', 'k', valueOf(12_000, 8));
    const [dead] = driver.readAllOutput<Buffer, Buffer>('test-app-dlq');
    expect(dead?.value).toBeNull();
    expect(dead?.headers[DLQ_HEADER_VALUE_OMITTED]).toBe('12000');
    expect(dead?.headers[DLQ_HEADER_ERROR_CLASS]).toBe('RecordTooLargeError');
  });
});
