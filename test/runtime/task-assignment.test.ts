import { describe, expect, it } from 'vitest';
import { placeStandbys, placeTasks, taskKey, type TaskSlot } from '../../src/runtime/task-assignment.js';

function slots(count: number): TaskSlot[] {
  return Array.from({ length: count }, (_, partition) => ({ subTopology: 0, partition, topics: ['in'] }));
}

const keys = (count: number): string[] => Array.from({ length: count }, (_, p) => taskKey(0, p));

describe('placeTasks', () => {
  it('gives a task whose owner left to the member holding the freshest standby of it', () => {
    // a ran 0_0 and 0_1 and left; c holds a fresher copy of 0_1 than b, b the only copy of 0_0.
    const freshness = new Map([
      ['b', new Map([['0_0', 500], ['0_1', 10]])],
      ['c', new Map([['0_1', 900]])],
    ]);
    const placement = placeTasks(slots(2), ['b', 'c'], new Map(), freshness);
    expect(placement.get('0_0')).toBe('b');
    expect(placement.get('0_1')).toBe('c');
  });

  it('keeps a task with its previous owner even when another member holds a standby of it', () => {
    const placement = placeTasks(slots(2), ['a', 'b'], new Map([['a', ['0_0']], ['b', ['0_1']]]), new Map([['b', new Map([['0_0', 1_000]])]]));
    expect(placement.get('0_0')).toBe('a');
    expect(placement.get('0_1')).toBe('b');
  });

  it('does not overload the member holding standbys: beyond an even share the rest are spread', () => {
    const freshness = new Map([['b', new Map(keys(4).map((k) => [k, 100] as const))]]);
    const placement = placeTasks(slots(4), ['b', 'c'], new Map(), freshness);
    expect([...placement.values()].filter((m) => m === 'b')).toHaveLength(2);
    expect([...placement.values()].filter((m) => m === 'c')).toHaveLength(2);
  });
});

describe('placeStandbys', () => {
  it('never places a standby on the member running the task, nor two of one task on one member', () => {
    const active = placeTasks(slots(6), ['a', 'b', 'c']);
    const standbys = placeStandbys(keys(6), ['a', 'b', 'c'], active, 2);
    for (const key of keys(6)) {
      const holders = [...standbys].filter(([, tasks]) => tasks.includes(key)).map(([member]) => member);
      expect(holders, key).toHaveLength(2);
      expect(holders, key).not.toContain(active.get(key));
    }
    // Spread: every member keeps the same number of standbys.
    expect([...standbys.values()].map((t) => t.length)).toEqual([4, 4, 4]);
  });

  it('places fewer standbys when there are not enough other members', () => {
    const active = placeTasks(slots(2), ['a', 'b']);
    const standbys = placeStandbys(keys(2), ['a', 'b'], active, 3);
    expect([...standbys.values()].flat().sort()).toEqual(['0_0', '0_1']);
    expect(placeStandbys(keys(2), ['a'], placeTasks(slots(2), ['a']), 1).get('a')).toEqual([]);
  });

  it('keeps a standby where a copy of the state already is', () => {
    const active = new Map([['0_0', 'a']]);
    const standbys = placeStandbys(['0_0'], ['a', 'b', 'c'], active, 1, new Map([['c', new Map([['0_0', 42]])]]));
    expect(standbys.get('c')).toEqual(['0_0']);
    expect(standbys.get('b')).toEqual([]);
  });

  it('places none with zero replicas', () => {
    expect([...placeStandbys(keys(3), ['a', 'b'], placeTasks(slots(3), ['a', 'b']), 0).values()].flat()).toEqual([]);
  });
});
