import { afterEach, describe, expect, it } from 'vitest';
import type { Cancellable, PunctuationType } from '../../../src/processor/punctuation.js';
import type { ProcessorContext } from '../../../src/processor/processor-context.js';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';

/** Forwards `tick@<time>` from a punctuation; a record with value `cancel` cancels it. */
function tickingTopology(type: PunctuationType, intervalMs: number) {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], keySerde: stringSerde, valueSerde: stringSerde })
    .addProcessor({
      name: 'ticker',
      parents: ['in'],
      supplier: () => {
        let context: ProcessorContext<string, string>;
        let handle: Cancellable;
        return {
          init(c: ProcessorContext<string, string>) {
            context = c;
            handle = c.schedule(intervalMs, type, (time) => context.forward({ key: 'tick', value: `tick@${time}`, timestamp: time, headers: {} }));
          },
          process(record: StreamRecord<string, string>) {
            if (record.value === 'cancel') handle.cancel();
          },
        };
      },
    })
    .addSink({ name: 'out', topic: 'ticks', parents: ['ticker'], keySerde: stringSerde, valueSerde: stringSerde })
    .build();
}

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

describe('punctuation', () => {
  it('fires stream-time punctuation as record timestamps pass each interval, once per advance, and never after cancel', async () => {
    const driver = await TopologyTestDriver.create(tickingTopology('stream-time', 10), { storeKind: 'in-memory' });
    drivers.push(driver);
    for (const ts of [0, 5, 12, 35]) await driver.pipeInput('in', 'k', 'x', { timestamp: ts });
    await driver.advanceWallClockTime(1_000_000);
    await driver.pipeInput('in', 'k', 'cancel', { timestamp: 36 });
    await driver.pipeInput('in', 'k', 'x', { timestamp: 90 });
    expect(driver.readAllOutput<string, string>('ticks').map((r) => r.value)).toEqual(['tick@0', 'tick@12', 'tick@35']);
  });

  it('fires wall-clock punctuation only when the driver clock passes each interval, and never after cancel', async () => {
    const driver = await TopologyTestDriver.create(tickingTopology('wall-clock', 1000), { storeKind: 'in-memory' });
    drivers.push(driver);
    await driver.pipeInput('in', 'k', 'x', { timestamp: 999_999 });
    await driver.advanceWallClockTime(500);
    await driver.advanceWallClockTime(600);
    await driver.advanceWallClockTime(900);
    await driver.pipeInput('in', 'k', 'cancel');
    await driver.advanceWallClockTime(5000);
    expect(driver.readAllOutput<string, string>('ticks').map((r) => r.value)).toEqual(['tick@1100', 'tick@2000']);
  });
});
