import { describe, expect, it } from 'vitest';
import { int64KeySerde } from '../../../src/serde/keys/int64-key-serde.js';
import { KeyEncodingError } from '../../../src/serde/serde-errors.js';
import { seededRandom, testSeed } from '../seeded-random.js';
import { expectOrderPreserved } from './key-order.js';

const at = { topic: 't' };
const MIN = -9223372036854775808n;
const MAX = 9223372036854775807n;

describe('int64KeySerde', () => {
  it('round-trips the int64 limits exactly', () => {
    expect(int64KeySerde.deserialize(int64KeySerde.serialize(MIN, at), at)).toBe(MIN);
    expect(int64KeySerde.deserialize(int64KeySerde.serialize(MAX, at), at)).toBe(MAX);
    expect(int64KeySerde.serialize(MIN, at)).toEqual(Buffer.alloc(8, 0));
    expect(int64KeySerde.serialize(MAX, at)).toEqual(Buffer.alloc(8, 0xff));
  });

  it('orders bytes like numbers across the whole range', () => {
    const random = seededRandom(testSeed('int64 key order'));
    const values = [MIN, MIN + 1n, -1n, 0n, 1n, MAX - 1n, MAX, 2n ** 53n, -(2n ** 53n)];
    for (let i = 0; i < 500; i += 1) {
      const high = BigInt(Math.floor(random() * 2 ** 32));
      const low = BigInt(Math.floor(random() * 2 ** 32));
      values.push(BigInt.asIntN(64, (high << 32n) | low));
    }
    expectOrderPreserved(int64KeySerde, values, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  });

  it('rejects values outside int64 and numbers instead of bigints', () => {
    expect(() => int64KeySerde.serialize(MAX + 1n, at)).toThrow(KeyEncodingError);
    expect(() => int64KeySerde.serialize(MIN - 1n, at)).toThrow(KeyEncodingError);
    expect(() => int64KeySerde.serialize(5 as unknown as bigint, at)).toThrow(/bigint/);
  });
});
