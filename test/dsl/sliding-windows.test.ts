import { afterEach, describe, expect, it } from 'vitest';
import { pair } from '../../src/dsl/key-value-pair.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Suppressed } from '../../src/dsl/suppressed.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import type { Windowed } from '../../src/state/window-store.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

const label = (k: Windowed<string>) => `[${k.key}@${k.window.start}/${k.window.end}]`;

describe('SlidingWindows', () => {
  // Kafka Streams' SuppressScenarioTest.shouldSupportFinalResultsForSlidingWindows.
  it('keeps one window per record (left) and after it (right), counts what falls in each, and emits closed ones once', async () => {
    const b = new StreamsBuilder();
    const counts = b
      .stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde })
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5, 15))
      .count({ storeName: 'counts', name: 'sliding-count' });
    counts.toStream().map((k, v) => pair(label(k), v)).to('raw', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
    counts.suppress(Suppressed.untilWindowCloses()).toStream().map((k, v) => pair(label(k), v)).to('final', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
    const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
    drivers.push(driver);
    for (const t of [10, 11, 10, 13, 10, 24, 5, 7, 90]) await driver.pipeInput('input', 'k1', 'v1', { timestamp: t });
    const read = (topic: string) => driver.readAllOutput<string, number>(topic).map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }));
    const raw = read('raw').sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.timestamp - b.timestamp || a.value - b.value));
    expect(raw.map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual([
      '[k1@11/16]=1@11', '[k1@11/16]=2@13',
      '[k1@12/17]=1@13',
      '[k1@19/24]=1@24',
      '[k1@5/10]=1@10', '[k1@5/10]=2@10', '[k1@5/10]=3@10', '[k1@5/10]=4@10', '[k1@5/10]=5@10',
      '[k1@6/11]=2@11', '[k1@6/11]=3@11', '[k1@6/11]=4@11', '[k1@6/11]=5@11',
      '[k1@8/13]=4@13', '[k1@8/13]=5@13',
      '[k1@85/90]=1@90',
    ]);
    expect(read('final').map((r) => `${r.key}=${r.value}@${r.timestamp}`)).toEqual([
      '[k1@5/10]=5@10', '[k1@6/11]=5@11', '[k1@8/13]=5@13', '[k1@11/16]=2@13', '[k1@12/17]=1@13', '[k1@19/24]=1@24',
    ]);
  });

  it('drops a record no open window can take any more, and counts it', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde })
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5, 1))
      .count({ storeName: 'counts', name: 'sliding-count' });
    const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
    drivers.push(driver);
    // Stream time 100, grace 1: windows ending at or before 99 are closed. A record at 94 could still be
    // in the right window [95, 100] of a record before it; one at 93 (93 + 1 + 5 <= 99) could not.
    for (const t of [100, 94, 93]) await driver.pipeInput('input', 'k', 'v', { timestamp: t });
    expect(driver.processorMetrics('sliding-count')).toMatchObject({ droppedLateRecords: 1 });
  });
});
