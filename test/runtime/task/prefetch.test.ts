import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_HEADER } from '../../../src/common/constants.js';
import type { Processor } from '../../../src/processor/processor.js';
import type { ProcessorContext } from '../../../src/processor/processor-context.js';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.js';
import { internalTopic } from '../../../src/topology/topic-ref.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';

/** Each input value "a,b,c" becomes one forwarded record per letter, with a control record in the middle. */
function splitter(): Processor<unknown, unknown, string, string> {
  let context: ProcessorContext<string, string>;
  return {
    init(c) {
      context = c;
    },
    process(record) {
      const parts = String(record.value).split(',');
      parts.forEach((part, i) => {
        context.forward({ key: part, value: part, timestamp: record.timestamp, headers: {} });
        if (i === 0) context.forwardControl({ key: null, value: Buffer.from('c'), timestamp: record.timestamp, headers: { [CONTROL_HEADER]: 'test' } });
      });
    },
  };
}

function topologyWith(child: () => Processor<string, string, string, string>) {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], keySerde: stringSerde, valueSerde: stringSerde })
    .addProcessor({ name: 'split', parents: ['in'], supplier: splitter })
    .addProcessor({ name: 'reader', parents: ['split'], supplier: child })
    .build();
}

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

async function drive(child: () => Processor<string, string, string, string>, ...values: string[]): Promise<void> {
  const driver = await TopologyTestDriver.create(topologyWith(child), { storeKind: 'in-memory' });
  drivers.push(driver);
  for (const value of values) await driver.pipeRawInput('in', Buffer.from('k'), Buffer.from(value));
}

/** Same split, but through a topic: the reader's task fetches the parts as one batch of input records. */
function topologyThroughTopic(child: () => Processor<string, string, string, string>) {
  const splitToSameKey = (): Processor<unknown, unknown, string, string> => {
    let context: ProcessorContext<string, string>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        for (const part of String(record.value).split(',')) context.forward({ key: 'same', value: part, timestamp: record.timestamp, headers: {} });
      },
    };
  };
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], keySerde: stringSerde, valueSerde: stringSerde })
    .addProcessor({ name: 'split', parents: ['in'], supplier: splitToSameKey })
    .addSink({ name: 'to-parts', topic: internalTopic('parts'), parents: ['split'], keySerde: stringSerde, valueSerde: stringSerde })
    .addSource({ name: 'parts', topics: [internalTopic('parts')], keySerde: stringSerde, valueSerde: stringSerde })
    .addProcessor({ name: 'reader', parents: ['parts'], supplier: child })
    .build();
}

describe('prefetch', () => {
  it('a processor under a source sees each fetched batch, deserialized, before processing its first record', async () => {
    const log: string[] = [];
    const driver = await TopologyTestDriver.create(
      topologyThroughTopic(() => ({
        prefetch: async (records: ReadonlyArray<StreamRecord<string, string>>) => {
          await Promise.resolve();
          log.push(`prefetch ${records.map((r) => r.value).join('')}`);
        },
        process: (record: StreamRecord<string, string>) => {
          log.push(`process ${record.value}`);
        },
      })),
      { storeKind: 'in-memory' },
    );
    drivers.push(driver);
    await driver.pipeRawInput('in', Buffer.from('k'), Buffer.from('x,y,z'));
    expect(log).toEqual(['prefetch xyz', 'process x', 'process y', 'process z']);
  });


  it('a child sees every record forwarded together before the first is processed, control records left out', async () => {
    const log: string[] = [];
    await drive(
      () => ({
        prefetch: async (records: ReadonlyArray<StreamRecord<string, string>>) => {
          await Promise.resolve();
          log.push(`prefetch ${records.map((r) => r.key).join('')}`);
        },
        process: (record: StreamRecord<string, string>) => {
          log.push(`process ${record.key}`);
        },
      }),
      'a,b,c',
    );
    expect(log).toEqual(['prefetch abc', 'process a', 'process b', 'process c']);
  });

  it('is not called for a record forwarded alone', async () => {
    const log: string[] = [];
    await drive(
      () => ({
        prefetch: () => {
          log.push('prefetch');
        },
        process: (record: StreamRecord<string, string>) => {
          log.push(`process ${record.key}`);
        },
      }),
      'a',
    );
    expect(log).toEqual(['process a']);
  });

  it('a failing prefetch fails the record with an error naming the prefetching node', async () => {
    await expect(
      drive(
        () => ({
          prefetch: () => Promise.reject(new Error('store unreachable')),
          process: () => undefined,
        }),
        'a,b',
      ),
    ).rejects.toThrow(/node 'reader'.*store unreachable/);
  });
});
