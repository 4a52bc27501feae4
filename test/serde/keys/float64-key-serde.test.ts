import { describe, expect, it } from 'vitest';
import { float64KeySerde } from '../../../src/serde/keys/float64-key-serde.js';
import { KeyEncodingError } from '../../../src/serde/serde-errors.js';
import { seededRandom, testSeed } from '../seeded-random.js';
import { expectOrderPreserved } from './key-order.js';

const at = { topic: 't' };

describe('float64KeySerde', () => {
  it('orders bytes like numbers, infinities and subnormals included', () => {
    const random = seededRandom(testSeed('float64 key order'));
    const values = [-Infinity, -Number.MAX_VALUE, -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 0.5, 1, Number.MAX_VALUE, Infinity];
    for (let i = 0; i < 500; i += 1) values.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20));
    expectOrderPreserved(float64KeySerde, values, (a, b) => a - b);
  });

  it('keeps -0 distinct and just below +0', () => {
    const negative = float64KeySerde.serialize(-0, at);
    const positive = float64KeySerde.serialize(0, at);
    expect(Buffer.compare(negative, positive)).toBe(-1);
    expect(Object.is(float64KeySerde.deserialize(negative, at), -0)).toBe(true);
  });

  it('rejects NaN', () => {
    expect(() => float64KeySerde.serialize(Number.NaN, at)).toThrow(KeyEncodingError);
  });
});
