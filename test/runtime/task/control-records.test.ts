import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_HEADER } from '../../../src/common/constants.js';
import type { ProcessorContext } from '../../../src/processor/processor-context.js';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';
import { internalTopic } from '../../../src/topology/topic-ref.js';

/** Every input becomes one control record, sent to all children. */
function controlEmittingTopology() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'] })
    .addProcessor({
      name: 'progress',
      parents: ['in'],
      supplier: () => {
        let context: ProcessorContext<unknown, unknown>;
        return {
          init(c: ProcessorContext<unknown, unknown>) {
            context = c;
          },
          process(record: StreamRecord<unknown, unknown>) {
            context.forwardControl({ key: null, value: Buffer.from('progress'), timestamp: record.timestamp, headers: { [CONTROL_HEADER]: 'test' } });
          },
        };
      },
    })
    .addSink({ name: 'to-downstream', topic: internalTopic('downstream-repartition'), parents: ['progress'] })
    .addSink({ name: 'to-dlq', topic: internalTopic('dlq'), parents: ['progress'] })
    .addSink({ name: 'to-output', topic: 'output', parents: ['progress'] })
    .addSource({ name: 'downstream', topics: [internalTopic('downstream-repartition')] })
    .addProcessor({ name: 'sink-less', parents: ['downstream'], supplier: () => ({ process: () => undefined }) })
    .build();
}

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

describe('control records', () => {
  it('reach every partition of a topic that downstream tasks read, and never the dead-letter or an output topic', async () => {
    const driver = await TopologyTestDriver.create(controlEmittingTopology(), { storeKind: 'in-memory', topics: { in: { partitions: 3 } } });
    drivers.push(driver);
    await driver.pipeRawInput('in', null, Buffer.from('x'), { partition: 1 });
    const downstream = driver.readAllOutput('test-app-downstream-repartition');
    expect(downstream.map((r) => r.partition).sort()).toEqual([0, 1, 2]);
    expect(downstream.every((r) => r.headers[CONTROL_HEADER] === 'test')).toBe(true);
    expect(driver.readAllOutput('test-app-dlq')).toEqual([]);
    expect(driver.readAllOutput('output')).toEqual([]);
  });
});
