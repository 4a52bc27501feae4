import { afterEach, describe, expect, it } from 'vitest';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

type Kind = 'inner' | 'left' | 'outer';
const label = (a: string | undefined, b: string | undefined) => `${a ?? '-'}+${b ?? '-'}`;

async function joinDriver(kind: Kind, windows: JoinWindows) {
  const b = new StreamsBuilder();
  const left = b.stream<string, string>('left', { keySerde: stringSerde, valueSerde: stringSerde });
  const right = b.stream<string, string>('right', { keySerde: stringSerde, valueSerde: stringSerde });
  const joined =
    kind === 'inner'
      ? left.join(right, (l, r) => label(l, r), windows, { name: 'joined' })
      : kind === 'left'
        ? left.leftJoin(right, (l, r) => label(l, r), windows, { name: 'joined' })
        : left.outerJoin(right, label, windows, { name: 'joined' });
  joined.to('out', { valueSerde: stringSerde });
  const driver = await TopologyTestDriver.create(b.build(), { storeKind: 'in-memory' });
  drivers.push(driver);
  const pipe = (topic: 'left' | 'right', key: string, value: string, timestamp: number) => driver.pipeInput(topic, key, value, { timestamp });
  const read = () => driver.readAllOutput<string, string>('out').map((r) => `${r.key}:${r.value}@${r.timestamp}`);
  return { driver, pipe, read };
}

describe('KStream-KStream join', () => {
  // Kafka Streams' KStreamKStreamJoinTest.testJoin / testWindowing: window bounds are inclusive.
  it('joins records of the two streams whose timestamps are at most the window apart, bounds included', async () => {
    const { pipe, read } = await joinDriver('inner', JoinWindows.ofTimeDifferenceAndGrace(100, 1000));
    await pipe('left', 'k', 'L', 1000);
    for (const t of [899, 900, 1100, 1101]) await pipe('right', 'k', `r${t}`, t);
    expect(read()).toEqual(['k:L+r900@1000', 'k:L+r1100@1100']);
  });

  it('joins every record of a key with every partner, duplicates and other keys kept apart', async () => {
    const { pipe, read } = await joinDriver('inner', JoinWindows.ofTimeDifferenceWithNoGrace(10));
    await pipe('left', 'k', 'L1', 5);
    await pipe('left', 'k', 'L2', 5);
    await pipe('left', 'j', 'J', 5);
    await pipe('right', 'k', 'R', 6);
    expect(read()).toEqual(['k:L1+R@6', 'k:L2+R@6']);
  });

  it('lets before and after differ: the other stream may lie more before than after', async () => {
    const { pipe, read } = await joinDriver('inner', JoinWindows.ofTimeDifferenceAndGrace(0, 100).before(50).after(10));
    await pipe('left', 'k', 'L', 100);
    for (const t of [49, 50, 110, 111]) await pipe('right', 'k', `r${t}`, t);
    expect(read()).toEqual(['k:L+r50@100', 'k:L+r110@110']);
  });

  // Kafka Streams' KStreamKStreamLeftJoinTest: no spurious "no partner" result before the window closes.
  it('left join: emits a record without partner only once its window plus grace has passed, and never for one that found a partner', async () => {
    const { pipe, read, driver } = await joinDriver('left', JoinWindows.ofTimeDifferenceAndGrace(100, 10));
    await pipe('left', 'a', 'A', 0);
    await pipe('left', 'b', 'B', 0);
    await pipe('right', 'a', 'x', 50);
    expect(read()).toEqual(['a:A+x@50']);
    await pipe('right', 'z', 'advance', 110); // stream time 110: B's window closes at 0 + 100 + 10
    expect(read()).toEqual([]);
    await pipe('right', 'z', 'advance', 111);
    expect(read()).toEqual(['b:B+-@0']);
    await pipe('left', 'late', 'L', 0); // 0 + 100 + 10 < 111: its window has closed
    expect(driver.processorMetrics('joined')).toMatchObject({ droppedLateRecords: 1 });
  });

  // Kafka Streams' KStreamKStreamOuterJoinTest: either side alone, once its window has closed.
  it('outer join: emits records of either stream that found no partner, after their windows close', async () => {
    const { pipe, read } = await joinDriver('outer', JoinWindows.ofTimeDifferenceWithNoGrace(10));
    await pipe('left', 'a', 'A', 0);
    await pipe('right', 'b', 'b', 5);
    await pipe('right', 'a', 'a', 10);
    expect(read()).toEqual(['a:A+a@10']);
    await pipe('left', 'c', 'C', 16);
    expect(read()).toEqual(['b:-+b@5']);
  });
});
