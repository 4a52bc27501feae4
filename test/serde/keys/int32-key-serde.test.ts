import { describe, expect, it } from 'vitest';
import { int32KeySerde } from '../../../src/serde/keys/int32-key-serde.js';
import { KeyEncodingError } from '../../../src/serde/serde-errors.js';
import { seededRandom, testSeed } from '../seeded-random.js';
import { expectOrderPreserved } from './key-order.js';

const at = { topic: 't' };

describe('int32KeySerde', () => {
  it('orders bytes like numbers, limits included', () => {
    const random = seededRandom(testSeed('int32 key order'));
    const values = [-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 255, 256, -256];
    for (let i = 0; i < 500; i += 1) values.push(Math.floor(random() * 2 ** 32) - 2 ** 31);
    expectOrderPreserved(int32KeySerde, values, (a, b) => a - b);
  });

  it('writes -1 as 0x7fffffff and 0 as 0x80000000 (sign bit flipped, big-endian)', () => {
    expect(int32KeySerde.serialize(-1, at)).toEqual(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    expect(int32KeySerde.serialize(0, at)).toEqual(Buffer.from([0x80, 0, 0, 0]));
  });

  it('rejects non-integers, out-of-range values, short and over-long input', () => {
    expect(() => int32KeySerde.serialize(1.5, at)).toThrow(KeyEncodingError);
    expect(() => int32KeySerde.serialize(2 ** 31, at)).toThrow(KeyEncodingError);
    expect(() => int32KeySerde.deserialize(Buffer.from([1, 2, 3]), at)).toThrow(KeyEncodingError);
    expect(() => int32KeySerde.deserialize(Buffer.from([1, 2, 3, 4, 5]), at)).toThrow(/trailing/);
  });
});
