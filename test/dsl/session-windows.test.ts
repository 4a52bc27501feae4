import { afterEach, describe, expect, it } from 'vitest';
import { pair } from '../../src/dsl/key-value-pair.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Suppressed } from '../../src/dsl/suppressed.js';
import { sessionWindowedSerde } from '../../src/dsl/windowed-serde.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import type { Windowed } from '../../src/state/window-store.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import { collect } from '../state/store-test-helpers.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

const label = (k: Windowed<string>) => `[${k.key}@${k.window.start}/${k.window.end}]`;

/** Kafka Streams' SuppressScenarioTest.shouldSupportFinalResultsForSessionWindows topology. */
async function sessionCounts(windows: SessionWindows) {
  const b = new StreamsBuilder();
  const counts = b
    .stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde })
    .groupByKey()
    .windowedBy(windows)
    .count({ storeName: 'sessions', name: 'session-count' });
  counts.toStream().map((k, v) => pair(label(k), v)).to('raw', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
  counts.suppress(Suppressed.untilWindowCloses()).toStream().map((k, v) => pair(label(k), v)).to('final', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
  const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
  drivers.push(driver);
  const pipe = (key: string, timestamp: number) => driver.pipeInput('input', key, 'v1', { timestamp });
  const read = (topic: string) => driver.readAllOutput<string, number | null>(topic).map((r) => `${r.key}=${String(r.value)}@${r.timestamp}`);
  return { driver, pipe, read };
}

describe('SessionWindows', () => {
  // Kafka Streams' SuppressScenarioTest.shouldSupportFinalResultsForSessionWindows.
  it('merges records within the gap into one session, replacing the sessions it absorbs, and emits each closed session once', async () => {
    const { driver, pipe, read } = await sessionCounts(SessionWindows.ofInactivityGapWithNoGrace(5));
    await pipe('k1', 0);
    await pipe('k1', 5);
    await pipe('k1', 1);
    await pipe('k2', 6);
    await pipe('k1', 5); // late: its session ended at 5, before stream time 6
    await pipe('k1', 30);
    expect(read('raw')).toEqual([
      '[k1@0/0]=1@0',
      '[k1@0/0]=null@0',
      '[k1@0/5]=2@5',
      '[k1@0/5]=null@5',
      '[k1@0/5]=3@5',
      '[k2@6/6]=1@6',
      '[k1@30/30]=1@30',
    ]);
    expect(read('final')).toEqual(['[k1@0/5]=3@5', '[k2@6/6]=1@6']);
    expect(driver.processorMetrics('session-count')).toMatchObject({ droppedLateRecords: 1 });
  });

  it('merges two sessions that a record falls between into one, with the merger combining their aggregates', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('input', { keySerde: stringSerde, valueSerde: stringSerde })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 100))
      .aggregate(() => '', (_k, v, agg) => agg + v, (_k, a, b) => a + b, { storeName: 'letters', valueSerde: stringSerde })
      .toStream()
      .to('out', { keySerde: sessionWindowedSerde(stringSerde), valueSerde: stringSerde });
    const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
    drivers.push(driver);
    for (const [value, t] of [['a', 0], ['b', 10], ['c', 5]] as const) await driver.pipeInput('input', 'k', value, { timestamp: t });
    const out = driver.readAllOutput<Windowed<string>, string | null>('out').map((r) => `${label(r.key)}=${String(r.value)}`);
    expect(out).toEqual(['[k@0/0]=a', '[k@10/10]=b', '[k@0/0]=null', '[k@10/10]=null', '[k@0/10]=abc']);
    const sessions = await driver.getSessionStore<string, string>('letters');
    expect((await collect(sessions.all())).map((s) => `${label(s.key)}=${s.value}`)).toEqual(['[k@0/10]=abc']);
  });

  it('keeps sessions of different keys apart, a gap of exactly the inactivity gap still joining', async () => {
    const { pipe, read } = await sessionCounts(SessionWindows.ofInactivityGapAndGrace(5, 100));
    await pipe('a', 0);
    await pipe('b', 3);
    await pipe('a', 5);
    await pipe('a', 11);
    expect(read('raw')).toEqual(['[a@0/0]=1@0', '[b@3/3]=1@3', '[a@0/0]=null@0', '[a@0/5]=2@5', '[a@11/11]=1@11']);
  });
});
