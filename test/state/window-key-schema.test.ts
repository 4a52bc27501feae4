import { describe, expect, it } from 'vitest';
import { decodeTimeKey, orderedTime, readOrderedTime, sideKey, timeKey } from '../../src/state/window-key-schema.js';
import { seededRandom } from './store-test-helpers.js';

function compareTuples(a: { segment: number; key: Buffer; time: number }, b: { segment: number; key: Buffer; time: number }): number {
  if (a.segment !== b.segment) return a.segment - b.segment;
  const byKey = Buffer.compare(a.key, b.key);
  return byKey !== 0 ? byKey : a.time - b.time;
}

describe('window key schema', () => {
  it('orders times numerically in unsigned byte order, negatives first, and reads them back', () => {
    const times = [-(2 ** 53) + 1, -86_400_000, -1, 0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 1_762_819_200_000, 2 ** 53 - 1];
    const shuffled = [...times].reverse();
    const sorted = shuffled.map(orderedTime).sort(Buffer.compare).map((b) => readOrderedTime(b, 0));
    expect(sorted).toEqual(times);
  });

  it('sorts stored keys by segment, then key bytes (a key before its extensions, zero bytes included), then time', () => {
    const seed = 20251111;
    const random = seededRandom(seed);
    const keys = [Buffer.alloc(0), Buffer.of(0), Buffer.of(0, 0), Buffer.of(0, 1), Buffer.of(1), Buffer.of(0xff), Buffer.from('a'), Buffer.from('a\0'), Buffer.from('ab')];
    const tuples: Array<{ segment: number; key: Buffer; time: number }> = [];
    for (let i = 0; i < 300; i++) {
      const key = random() < 0.5 ? keys[Math.floor(random() * keys.length)]! : Buffer.from(Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * 3)));
      tuples.push({ segment: Math.floor(random() * 4) - 1, key, time: Math.floor(random() * 2000) - 1000 });
    }
    const byStoredKey = tuples
      .map((t) => ({ t, stored: timeKey(t.segment, t.key, t.time) }))
      .sort((a, b) => Buffer.compare(a.stored, b.stored) || compareTuples(a.t, b.t))
      .map(({ t }) => t);
    expect(byStoredKey, `seed ${seed}`).toEqual([...tuples].sort(compareTuples));
    for (const t of tuples) {
      const decoded = decodeTimeKey(timeKey(t.segment, t.key, t.time), 'windows');
      expect({ segment: decoded.segment, key: decoded.key, time: decoded.time }).toEqual(t);
    }
  });

  it('keeps side entries below every data key, so data scans never see them', () => {
    expect(Buffer.compare(sideKey('observed-stream-time'), timeKey(Number.MIN_SAFE_INTEGER, Buffer.alloc(0), 0))).toBeLessThan(0);
  });

  it('rejects a stored key whose record key has no terminator, naming the store', () => {
    const broken = timeKey(0, Buffer.from('k'), 5).subarray(0, 11);
    expect(() => decodeTimeKey(broken, 'per-minute')).toThrow(/per-minute/);
  });
});
