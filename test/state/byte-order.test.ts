import { describe, expect, it } from 'vitest';
import { mergeSortedKeys, prefixUpperBound, rangeIndexes, toBinaryString } from '../../src/state/byte-order.js';
import { bytes } from './store-test-helpers.js';

describe('byte order helpers', () => {
  it('prefixUpperBound increments the last byte that is not 0xFF and drops what follows', () => {
    expect(prefixUpperBound(bytes('6162'))?.toString('hex')).toBe('6163');
    expect(prefixUpperBound(bytes('61ff'))?.toString('hex')).toBe('62');
    expect(prefixUpperBound(bytes('00'))?.toString('hex')).toBe('01');
  });

  it('prefixUpperBound has no bound for an empty or all-0xFF prefix', () => {
    expect(prefixUpperBound(Buffer.alloc(0))).toBeUndefined();
    expect(prefixUpperBound(bytes('ffff'))).toBeUndefined();
  });

  it('latin1 strings compare like the bytes they encode', () => {
    const keys = ['ff', '00', '7f80', '80', '', '0000'].map(bytes);
    const byString = [...keys].sort((a, b) => (toBinaryString(a) < toBinaryString(b) ? -1 : 1));
    expect(byString).toEqual([...keys].sort(Buffer.compare));
  });

  it('mergeSortedKeys merges two sorted lists and drops keys present in both', () => {
    expect(mergeSortedKeys(['a', 'c', 'e'], ['b', 'c', 'f'])).toEqual(['a', 'b', 'c', 'e', 'f']);
  });

  it('rangeIndexes selects gte inclusive and lt exclusive, empty when the bounds cross', () => {
    const keys = ['a', 'b', 'c', 'd'];
    expect(rangeIndexes(keys, { gte: Buffer.from('b'), lt: Buffer.from('d') })).toEqual({ start: 1, end: 3 });
    expect(rangeIndexes(keys, { gte: Buffer.from('d'), lt: Buffer.from('b') })).toEqual({ start: 3, end: 3 });
  });
});
