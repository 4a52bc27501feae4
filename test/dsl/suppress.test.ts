import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_HEADER } from '../../src/common/constants.js';
import { pair } from '../../src/dsl/key-value-pair.js';
import type { StreamTimeSource } from '../../src/dsl/stream-time.js';
import { STREAM_WATERMARK_CONTROL } from '../../src/dsl/stream-watermark.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Suppressed } from '../../src/dsl/suppressed.js';
import { TimeWindows } from '../../src/dsl/windows.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyTestDriver, type TopologyTestDriverOptions } from '../../src/testing/topology-test-driver.js';

const drivers: TopologyTestDriver[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function drive(builder: StreamsBuilder, options: TopologyTestDriverOptions = {}) {
  const driver = await TopologyTestDriver.create(builder.build(), options);
  drivers.push(driver);
  return driver;
}

/** Kafka Streams' SuppressScenarioTest topology: counts per window, raw and suppressed. */
function windowedCounts(windows: TimeWindows, streamTime: StreamTimeSource = 'record-timestamps') {
  const b = new StreamsBuilder();
  const counts = b
    .stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde })
    .groupBy((_v, k) => k, { keySerde: stringSerde })
    .windowedBy(windows, { streamTime })
    .count({ storeName: 'counts', name: 'count' });
  const label = (key: { key: string; window: { start: number; end: number } }) => `[${key.key}@${key.window.start}/${key.window.end}]`;
  counts
    .suppress(Suppressed.untilWindowCloses({ name: 'final' }))
    .toStream()
    .map((k, v) => pair(label(k), v))
    .to('output-suppressed', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
  counts
    .toStream()
    .map((k, v) => pair(label(k), v))
    .to('output-raw', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
  return b;
}

async function pipe(driver: TopologyTestDriver, key: string, timestamp: number, options: { partition?: number } = {}) {
  await driver.pipeInput('input', key, 'v1', { timestamp, ...options });
}

const read = (driver: TopologyTestDriver, topic: string) => driver.readAllOutput<string, number>(topic).map((r) => `${r.key}=${r.value}`);

describe('suppress(untilWindowCloses)', () => {
  // Kafka Streams' SuppressScenarioTest.shouldSupportFinalResultsForTimeWindows.
  it('emits each window’s final count once, after its end plus grace, and nothing for records that come after', async () => {
    const driver = await drive(windowedCounts(TimeWindows.ofSizeAndGrace(2, 1)));
    for (const t of [0, 1, 2, 1, 0, 5]) await pipe(driver, 'k1', t);
    await pipe(driver, 'k1', 0); // out of the grace period: dropped
    expect(read(driver, 'output-raw')).toEqual(['[k1@0/2]=1', '[k1@0/2]=2', '[k1@2/4]=1', '[k1@0/2]=3', '[k1@0/2]=4', '[k1@4/6]=1']);
    expect(read(driver, 'output-suppressed')).toEqual(['[k1@0/2]=4', '[k1@2/4]=1']);
    expect(driver.processorMetrics('count')).toMatchObject({ droppedLateRecords: 1 });
  });

  // Kafka Streams' SuppressScenarioTest.shouldSupportFinalResultsForTimeWindowsWithLargeJump.
  it('emits every closed window, in end order, when stream time jumps far ahead', async () => {
    const driver = await drive(windowedCounts(TimeWindows.ofSizeAndGrace(2, 2)));
    for (const t of [0, 1, 2, 0, 3, 0, 4, 0, 30]) await pipe(driver, 'k1', t);
    expect(read(driver, 'output-raw')).toEqual([
      '[k1@0/2]=1', '[k1@0/2]=2', '[k1@2/4]=1', '[k1@0/2]=3', '[k1@2/4]=2', '[k1@0/2]=4', '[k1@4/6]=1', '[k1@30/32]=1',
    ]);
    expect(read(driver, 'output-suppressed')).toEqual(['[k1@0/2]=4', '[k1@2/4]=2', '[k1@4/6]=1']);
  });

  it('keeps its buffer and stream time across a restart on the same state directory', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'suppress-restart-'));
    dirs.push(stateDir);
    const first = await TopologyTestDriver.create(windowedCounts(TimeWindows.ofSizeWithNoGrace(10)).build(), { stateDir });
    for (const t of [1, 2, 3]) await pipe(first, 'k1', t);
    expect(read(first, 'output-suppressed')).toEqual([]);
    await first.close();
    const second = await drive(windowedCounts(TimeWindows.ofSizeWithNoGrace(10)), { stateDir });
    await pipe(second, 'k2', 10);
    expect(read(second, 'output-suppressed')).toEqual(['[k1@0/10]=3']);
  });

  it('rebuilds windows, buffer and stream time from the changelogs alone after the state directory is lost', async () => {
    const driver = await drive(windowedCounts(TimeWindows.ofSizeAndGrace(10, 5)));
    for (const t of [1, 2, 12]) await pipe(driver, 'k1', t);
    await driver.restart({ wipeState: true });
    await pipe(driver, 'k1', 3); // stream time 12 was restored: [0, 10) is still open (closes at 15)
    await pipe(driver, 'k1', 20); // ... and now closed: emitted with all three of its records
    await pipe(driver, 'k1', 4); // late
    expect(read(driver, 'output-suppressed')).toEqual(['[k1@0/10]=3']);
    expect(driver.processorMetrics('count')).toMatchObject({ droppedLateRecords: 1 });
  });

  it('reports suppress on a table that is not windowed as a build problem', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde }).groupByKey().count().suppress(Suppressed.untilWindowCloses());
    expect(b.validate().join('\n')).toMatch(/untilWindowCloses needs a windowed table/);
  });
});

describe('windows with stream time from watermarks', () => {
  async function watermark(driver: TopologyTestDriver, partition: number, time: number) {
    const body = Buffer.from(JSON.stringify({ time, partition, partitionCount: 2 }));
    await driver.pipeRawInput('input', null, body, { partition, timestamp: time, headers: { [CONTROL_HEADER]: STREAM_WATERMARK_CONTROL } });
  }

  it('closes a window only when every upstream task’s watermark has passed it, so interleaving never makes a record late', async () => {
    const driver = await drive(windowedCounts(TimeWindows.ofSizeWithNoGrace(10), 'watermarks'), { topics: { input: { partitions: 2 } }, internalTopicPartitions: 1 });
    await pipe(driver, 'k1', 1, { partition: 0 });
    await pipe(driver, 'k1', 25, { partition: 0 });
    await watermark(driver, 0, 26);
    // Partition 1 is behind: its record at 5 still counts in [0, 10), which stays open.
    await pipe(driver, 'k1', 5, { partition: 1 });
    expect(read(driver, 'output-suppressed')).toEqual([]);
    await watermark(driver, 1, 12);
    expect(read(driver, 'output-suppressed')).toEqual(['[k1@0/10]=2']);
    await watermark(driver, 1, 40);
    // Stream time is the slowest upstream task's watermark, 26: [20, 30) is still open.
    expect(read(driver, 'output-suppressed')).toEqual([]);
    await watermark(driver, 0, 30);
    expect(read(driver, 'output-suppressed')).toEqual(['[k1@20/30]=1']);
    expect(driver.processorMetrics('count')).toMatchObject({ droppedLateRecords: 0, streamTime: 30 });
  });

  it('drops a record behind the watermark by more than the grace, and counts it', async () => {
    const driver = await drive(windowedCounts(TimeWindows.ofSizeAndGrace(10, 5), 'watermarks'), { topics: { input: { partitions: 2 } }, internalTopicPartitions: 1 });
    await watermark(driver, 0, 30);
    await watermark(driver, 1, 30);
    await pipe(driver, 'k1', 14, { partition: 1 }); // [10, 20) closed at 25
    await pipe(driver, 'k1', 21, { partition: 1 }); // [20, 30) open until 35
    expect(read(driver, 'output-raw')).toEqual(['[k1@20/30]=1']);
    expect(driver.processorMetrics('count')).toMatchObject({ droppedLateRecords: 1 });
  });
});
