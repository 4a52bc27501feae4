import { describe, expect, it } from 'vitest';
import { decodeTimerKey, encodeTimerKey, TimerError } from '../../src/processor/timer-key.js';

describe('timer keys', () => {
  it('round-trip due time and key, including due times above 2^32', () => {
    for (const due of [0, 1, 2 ** 32 - 1, 2 ** 32, 1_700_000_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(decodeTimerKey(encodeTimerKey(due, 'order-é'))).toEqual({ dueTime: due, key: 'order-é' });
    }
  });

  it('sort bytewise in numeric due order whatever the key', () => {
    const dues = [2 ** 40, 5, 2 ** 32, 2 ** 32 - 1, 0, 256];
    const sorted = dues.map((d) => encodeTimerKey(d, d % 2 === 0 ? 'zzz' : 'a')).sort(Buffer.compare);
    expect(sorted.map((k) => decodeTimerKey(k).dueTime)).toEqual([...dues].sort((a, b) => a - b));
  });

  it('rejects negative, fractional and unsafe due times', () => {
    expect(() => encodeTimerKey(-1, 'k')).toThrow(TimerError);
    expect(() => encodeTimerKey(1.5, 'k')).toThrow(TimerError);
    expect(() => encodeTimerKey(2 ** 53, 'k')).toThrow(TimerError);
  });
});
