import { KeyEncodingError } from '../serde-errors.js';
import { keySerdeOf, requireBytes } from './key-serde.js';

const NAME = 'int64-key';
const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;
const SIGN = 1n << 63n;

/** 8 bytes big-endian with the sign bit flipped (bigint values), so byte order is numeric order. */
export const int64KeySerde = keySerdeOf<bigint>({
  name: NAME,
  encode(value, context) {
    if (typeof value !== 'bigint' || value < MIN || value > MAX) {
      throw new KeyEncodingError(NAME, context, `${String(value)} is not a 64-bit integer (bigint)`);
    }
    const out = Buffer.allocUnsafe(8);
    out.writeBigUInt64BE(BigInt.asUintN(64, value) ^ SIGN, 0);
    return out;
  },
  decode(data, offset, context) {
    requireBytes(NAME, data, offset, 8, context);
    return { value: BigInt.asIntN(64, data.readBigUInt64BE(offset) ^ SIGN), next: offset + 8 };
  },
});
