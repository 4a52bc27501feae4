import { describe, expect, it } from 'vitest';
import { engineInput, engineKey, engineKeyIndex, engineValue, keySequences, parseEngineKey, type EngineWorkload } from '../../bench/engine-workload.js';

const workload: EngineWorkload = { records: 5_000, keys: 40, partitions: 6, seed: 3 };

describe('engine workload', () => {
  it('writes each record to its key index mod the partition count, with its value as 8 big-endian bytes', () => {
    let i = 0;
    for (const record of engineInput(workload)) {
      const k = parseEngineKey(record.key.toString('utf8'), workload.keys);
      expect(k).toBe(engineKeyIndex(workload, i));
      expect(record.partition).toBe((k as number) % workload.partitions);
      expect(record.value.length).toBe(8);
      expect(record.value.readBigInt64BE(0)).toBe(engineValue(workload, i));
      i++;
    }
    expect(i).toBe(workload.records);
  });

  it('keeps values within 32 bits so no key sum can overflow a 64-bit integer', () => {
    for (let i = 0; i < workload.records; i++) {
      const v = engineValue(workload, i);
      expect(v >= -(2n ** 31n) && v < 2n ** 31n).toBe(true);
    }
  });

  it('spreads records over every key, irregularly rather than round-robin', () => {
    const counts = new Array<number>(workload.keys).fill(0);
    for (let i = 0; i < workload.records; i++) counts[engineKeyIndex(workload, i)]! += 1;
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(new Set(counts).size).toBeGreaterThan(1);
    const roundRobin = Array.from({ length: workload.keys }, (_, i) => engineKeyIndex(workload, i));
    expect(roundRobin).not.toEqual(Array.from({ length: workload.keys }, (_, i) => i));
  });

  it('depends on the seed', () => {
    const other = { ...workload, seed: 4 };
    const same = Array.from({ length: 100 }, (_, i) => engineKeyIndex(workload, i) === engineKeyIndex(other, i)).filter(Boolean).length;
    expect(same).toBeLessThan(20);
  });

  it('lists every input record once under its key, in input order', () => {
    const { start, order } = keySequences(workload);
    expect(start[0]).toBe(0);
    expect(start[workload.keys]).toBe(workload.records);
    const seen = new Set<number>();
    for (let k = 0; k < workload.keys; k++) {
      let previous = -1;
      for (let j = start[k]!; j < start[k + 1]!; j++) {
        const i = order[j]!;
        expect(engineKeyIndex(workload, i)).toBe(k);
        expect(i).toBeGreaterThan(previous);
        previous = i;
        seen.add(i);
      }
    }
    expect(seen.size).toBe(workload.records);
  });

  it('parses only the keys it writes', () => {
    expect(parseEngineKey(engineKey(7), 10)).toBe(7);
    expect(engineKey(7)).toBe('key-00007');
    expect(parseEngineKey('key-00010', 10)).toBeUndefined();
    expect(parseEngineKey('key-7', 10)).toBeUndefined();
    expect(parseEngineKey('key-000007', 10)).toBeUndefined();
    expect(parseEngineKey('other', 10)).toBeUndefined();
  });
});
