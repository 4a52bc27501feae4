import { KeyEncodingError } from '../serde-errors.js';
import { keySerdeOf, requireBytes } from './key-serde.js';

const NAME = 'float64-key';
const SIGN = 1n << 63n;
const ALL = (1n << 64n) - 1n;

/**
 * IEEE 754 big-endian, transformed so unsigned byte order is numeric order: positives get the sign
 * bit set, negatives have every bit inverted. NaN has no place in an order and is rejected; -0 sorts
 * just before +0 and decodes as -0.
 */
export const float64KeySerde = keySerdeOf<number>({
  name: NAME,
  encode(value, context) {
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new KeyEncodingError(NAME, context, `${String(value)} is not an orderable number`);
    }
    const out = Buffer.allocUnsafe(8);
    out.writeDoubleBE(value, 0);
    const bits = out.readBigUInt64BE(0);
    out.writeBigUInt64BE((bits & SIGN) === 0n ? bits ^ SIGN : bits ^ ALL, 0);
    return out;
  },
  decode(data, offset, context) {
    requireBytes(NAME, data, offset, 8, context);
    const bits = data.readBigUInt64BE(offset);
    const raw = Buffer.allocUnsafe(8);
    raw.writeBigUInt64BE((bits & SIGN) !== 0n ? bits ^ SIGN : bits ^ ALL, 0);
    return { value: raw.readDoubleBE(0), next: offset + 8 };
  },
});
