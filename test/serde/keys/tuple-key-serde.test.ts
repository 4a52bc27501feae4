import { describe, expect, it } from 'vitest';
import { int64KeySerde } from '../../../src/serde/keys/int64-key-serde.js';
import { prefixUpperBound } from '../../../src/serde/keys/prefix-upper-bound.js';
import { stringKeySerde } from '../../../src/serde/keys/string-key-serde.js';
import { tupleSerde } from '../../../src/serde/keys/tuple-key-serde.js';
import { KeyEncodingError } from '../../../src/serde/serde-errors.js';
import { compareCodePoints, expectOrderPreserved } from './key-order.js';

const at = { topic: 't' };
const deadlines = tupleSerde(stringKeySerde, int64KeySerde);

describe('tupleSerde', () => {
  it('orders tuples part by part, even when one string is a prefix of another', () => {
    const values: Array<readonly [string, bigint]> = [];
    for (const id of ['', 'a', 'a\u0000', 'ab', 'b']) for (const n of [-5n, 0n, 7n]) values.push([id, n]);
    expectOrderPreserved(deadlines, values, (x, y) => compareCodePoints(x[0], y[0]) || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  });

  it('makes every key with the same leading value start with prefix(leading), and no other key', () => {
    const prefix = deadlines.prefix(['a'], at);
    const keys = (['a', 'ab', 'a\u0000', 'b', ''] as const).map((id) => ({ id, bytes: deadlines.serialize([id, 3n], at) }));
    const matching = keys.filter((k) => k.bytes.subarray(0, prefix.length).equals(prefix)).map((k) => k.id);
    expect(matching).toEqual(['a']);
    const upper = prefixUpperBound(prefix);
    const inRange = keys.filter((k) => Buffer.compare(k.bytes, prefix) >= 0 && upper !== undefined && Buffer.compare(k.bytes, upper) < 0);
    expect(inRange.map((k) => k.id)).toEqual(['a']);
  });

  it('rejects trailing bytes, missing parts and too many values', () => {
    const bytes = deadlines.serialize(['a', 1n], at);
    expect(() => deadlines.deserialize(Buffer.concat([bytes, Buffer.from([1])]), at)).toThrow(/trailing/);
    expect(() => deadlines.deserialize(deadlines.prefix(['a'], at), at)).toThrow(KeyEncodingError);
    expect(() => deadlines.serialize(['a', 1n, 2n] as unknown as [string, bigint], at)).toThrow(/at most 2/);
  });
});

describe('prefixUpperBound', () => {
  it('increments the last byte that is not 0xFF and drops what follows', () => {
    expect(prefixUpperBound(Buffer.from([1, 2, 0xff]))).toEqual(Buffer.from([1, 3]));
    expect(prefixUpperBound(Buffer.from([0xff, 0xff]))).toBeUndefined();
  });
});
