import { describe, expect, it } from 'vitest';
import { Prng, deriveSeed } from '../../src/sim/prng.js';

describe('Prng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const first = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(first);
  });

  it('gives different sequences for different seeds', () => {
    const a = new Prng(1);
    const b = new Prng(2);
    expect(Array.from({ length: 10 }, () => a.next())).not.toEqual(Array.from({ length: 10 }, () => b.next()));
  });

  it('keeps int() within both inclusive bounds and reaches each of them', () => {
    const prng = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = prng.int(3, 6);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(6);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('derives distinct streams from one seed', () => {
    expect(deriveSeed(1, 1)).not.toBe(deriveSeed(1, 2));
    expect(deriveSeed(1, 1)).toBe(deriveSeed(1, 1));
  });
});
