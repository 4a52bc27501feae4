import { describe, expect, it } from 'vitest';
import { stringKeySerde } from '../../../src/serde/keys/string-key-serde.js';
import { KeyEncodingError } from '../../../src/serde/serde-errors.js';
import { seededRandom, testSeed } from '../seeded-random.js';
import { compareCodePoints, expectOrderPreserved } from './key-order.js';

const at = { topic: 't' };
const ALPHABET = ['\u0000', '\u0001', 'a', 'b', 'z', '\u00ff', 'é', '秒', '\uffff', '😀'];

describe('stringKeySerde', () => {
  it('orders bytes by code point, with prefixes and embedded NULs before longer strings', () => {
    const random = seededRandom(testSeed('string key order'));
    const values = ['', 'a', 'a\u0000', 'a\u0000\u0000', 'a\u0001', 'ab', 'b'];
    for (let i = 0; i < 400; i += 1) {
      const length = Math.floor(random() * 5);
      values.push(Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)] ?? 'a').join(''));
    }
    expectOrderPreserved(stringKeySerde, [...new Set(values)], compareCodePoints);
  });

  it('escapes 0x00 as 0x00 0xFF and ends with 0x00 0x01', () => {
    expect(stringKeySerde.serialize('a\u0000', at)).toEqual(Buffer.from([0x61, 0x00, 0xff, 0x00, 0x01]));
  });

  it('rejects a missing terminator, a bad escape and invalid UTF-8', () => {
    expect(() => stringKeySerde.deserialize(Buffer.from([0x61]), at)).toThrow(/no terminator/);
    expect(() => stringKeySerde.deserialize(Buffer.from([0x61, 0x00, 0x07]), at)).toThrow(/bad escape/);
    expect(() => stringKeySerde.deserialize(Buffer.from([0xff, 0x00, 0x01]), at)).toThrow(KeyEncodingError);
  });
});
