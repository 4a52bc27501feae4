import { afterEach, describe, expect, it } from 'vitest';
import { pair } from '../../src/dsl/key-value-pair.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { timeWindowedSerde } from '../../src/dsl/windowed-serde.js';
import { TimeWindows } from '../../src/dsl/windows.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import type { Windowed } from '../../src/state/window-store.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import { collect } from '../state/store-test-helpers.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});
async function drive(builder: StreamsBuilder, options: Parameters<typeof TopologyTestDriver.create>[1] = {}) {
  const driver = await TopologyTestDriver.create(builder.build(), options);
  drivers.push(driver);
  return driver;
}

const label = (key: Windowed<string>, value: unknown) => `${key.key}@[${key.window.start},${key.window.end})=${String(value)}`;

function stringAggregation(windows: TimeWindows, retentionMs?: number) {
  const b = new StreamsBuilder();
  b.stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde })
    .groupByKey()
    .windowedBy(windows)
    .aggregate(() => '0', (_key, value, aggregate) => `${aggregate}+${value}`, {
      storeName: 'windows',
      valueSerde: stringSerde,
      name: 'window-agg',
      ...(retentionMs === undefined ? {} : { retentionMs }),
    })
    .toStream()
    .to('out', { keySerde: timeWindowedSerde(stringSerde, windows.sizeMs), valueSerde: stringSerde });
  return b;
}

async function pipeAll(driver: TopologyTestDriver, records: ReadonlyArray<readonly [string, string, number]>) {
  for (const [key, value, timestamp] of records) await driver.pipeInput('input', key, value, { timestamp });
}

describe('TimeWindowedKStream', () => {
  // Kafka Streams' KStreamWindowAggregateTest.testAggBasic: hopping windows of 10 ms every 5 ms.
  it('folds each record into every hopping window it falls in, emitting each window’s new aggregate', async () => {
    const driver = await drive(stringAggregation(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5)));
    await pipeAll(driver, [
      ['A', '1', 0], ['B', '2', 1], ['C', '3', 2], ['D', '4', 3], ['A', '1', 4],
      ['A', '1', 5], ['B', '2', 6], ['D', '4', 7], ['B', '2', 8], ['C', '3', 9],
      ['A', '1', 10], ['B', '2', 11], ['D', '4', 12], ['B', '2', 13], ['C', '3', 14],
      ['B', '1', 3], ['B', '2', 2], ['B', '3', 9],
    ]);
    const out = driver.readAllOutput<Windowed<string>, string>('out').map((r) => label(r.key, r.value));
    expect(out).toEqual([
      'A@[0,10)=0+1', 'B@[0,10)=0+2', 'C@[0,10)=0+3', 'D@[0,10)=0+4', 'A@[0,10)=0+1+1',
      'A@[0,10)=0+1+1+1', 'A@[5,15)=0+1', 'B@[0,10)=0+2+2', 'B@[5,15)=0+2', 'D@[0,10)=0+4+4', 'D@[5,15)=0+4',
      'B@[0,10)=0+2+2+2', 'B@[5,15)=0+2+2', 'C@[0,10)=0+3+3', 'C@[5,15)=0+3',
      'A@[5,15)=0+1+1', 'A@[10,20)=0+1', 'B@[5,15)=0+2+2+2', 'B@[10,20)=0+2', 'D@[5,15)=0+4+4', 'D@[10,20)=0+4',
      'B@[5,15)=0+2+2+2+2', 'B@[10,20)=0+2+2', 'C@[5,15)=0+3+3', 'C@[10,20)=0+3',
      'B@[0,10)=0+2+2+2+1', 'B@[0,10)=0+2+2+2+1+2', 'B@[0,10)=0+2+2+2+1+2+3', 'B@[5,15)=0+2+2+2+2+3',
    ]);
  });

  it('puts a record at a window boundary into the window that starts there, not the one that ends there', async () => {
    const driver = await drive(stringAggregation(TimeWindows.ofSizeWithNoGrace(10)));
    await pipeAll(driver, [['k', 'a', 9], ['k', 'b', 10]]);
    expect(driver.readAllOutput<Windowed<string>, string>('out').map((r) => label(r.key, r.value))).toEqual(['k@[0,10)=0+a', 'k@[10,20)=0+b']);
  });

  // Kafka Streams' KStreamWindowAggregateTest.shouldLogAndMeterWhenSkippingExpiredWindowByGrace.
  it('drops and counts records whose window closed: end + grace at or before stream time', async () => {
    const driver = await drive(stringAggregation(TimeWindows.ofSizeAndGrace(10, 5)));
    await pipeAll(driver, [
      ['k', 'a', 0],
      ['k', 'b', 14], // stream time 14: [0,10) closes at 15, still open
      ['k', 'c', 1],
      ['k', 'd', 15], // stream time 15: [0,10) is closed now
      ['k', 'late', 2],
      ['other', 'late too', 9],
    ]);
    expect(driver.readAllOutput<Windowed<string>, string>('out').map((r) => label(r.key, r.value))).toEqual([
      'k@[0,10)=0+a',
      'k@[10,20)=0+b',
      'k@[0,10)=0+a+c',
      'k@[10,20)=0+b+d',
    ]);
    expect(driver.processorMetrics('window-agg')).toMatchObject({ droppedLateRecords: 2, streamTime: 15 });
  });

  it('counts and reduces per window', async () => {
    const b = new StreamsBuilder();
    const grouped = b.stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde }).groupByKey();
    grouped
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ storeName: 'counts' })
      .toStream()
      .map((key, count) => pair(`${key.key}@${key.window.start}`, count))
      .to('counts-out', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
    grouped
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .reduce((a, v) => (v > a ? v : a), { storeName: 'maxima' })
      .toStream()
      .map((key, max) => pair(`${key.key}@${key.window.start}`, max))
      .to('max-out', { keySerde: stringSerde, valueSerde: stringSerde });
    const driver = await drive(b);
    await pipeAll(driver, [['k', 'b', 1], ['k', 'a', 2], ['k', 'c', 12]]);
    expect(driver.readAllOutput<string, number>('counts-out').map((r) => `${r.key}=${r.value}`)).toEqual(['k@0=1', 'k@0=2', 'k@10=1']);
    expect(driver.readAllOutput<string, string>('max-out').map((r) => `${r.key}=${r.value}`)).toEqual(['k@0=b', 'k@0=b', 'k@10=c']);
  });

  it('keeps windows in a window store the test driver can fetch from, for the retention asked for', async () => {
    const driver = await drive(stringAggregation(TimeWindows.ofSizeWithNoGrace(10), 20));
    await pipeAll(driver, [['k', 'a', 1], ['k', 'b', 11], ['j', 'c', 12]]);
    const store = await driver.getWindowStore<string, string>('windows');
    expect((await collect(store.fetch('k', 0, 20))).map((e) => `${e.windowStart}=${e.value}`)).toEqual(['0=0+a', '10=0+b']);
    expect((await collect(store.fetchAll(10, 10))).map((e) => label(e.key, e.value))).toEqual(['j@[10,20)=0+c', 'k@[10,20)=0+b']);
    // Stream time 20: the window starting at 0 is past its 20 ms retention.
    await pipeAll(driver, [['k', 'c', 20]]);
    const later = await driver.getWindowStore<string, string>('windows');
    expect((await collect(later.fetch('k', 0, 20))).map((e) => `${e.windowStart}=${e.value}`)).toEqual(['10=0+b', '20=0+c']);
  });

  it('refuses a retention shorter than window size plus grace', () => {
    expect(() => stringAggregation(TimeWindows.ofSizeAndGrace(10, 5), 14).build()).toThrow(/retention 14 ms is shorter than window size \+ grace \(15 ms\)/);
  });

  it('reports a windowed aggregation without a value serde as a build problem naming the store', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .aggregate(() => ({ n: 0 }), (_k, _v, agg) => ({ n: agg.n + 1 }), { storeName: 'no-serde' });
    expect(b.validate().join('\n')).toMatch(/'no-serde'.*value serde/);
  });

  it('shows the window store in describe() and in the Mermaid picture', () => {
    const topology = stringAggregation(TimeWindows.ofSizeWithNoGrace(60_000)).build();
    expect(topology.describe()).toContain('Store: windows (window store: size 60000 ms, retention 60000 ms');
    expect(topology.describe({ format: 'mermaid' })).toContain('store_windows[("windows<br/>window store: size 60000 ms, retention 60000 ms")]');
  });
});

describe('TimeWindows', () => {
  it('assigns hopping windows with starts aligned to the advance, none starting before 0', () => {
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5).windowsFor(3)).toEqual([{ start: 0, end: 10 }]);
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5).windowsFor(12)).toEqual([{ start: 5, end: 15 }, { start: 10, end: 20 }]);
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(3).windowsFor(10)).toEqual([{ start: 3, end: 13 }, { start: 6, end: 16 }, { start: 9, end: 19 }]);
  });

  it('refuses an advance larger than the size and a negative grace', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/advance/);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(/grace/);
  });
});
