import { KeyEncodingError } from '../serde-errors.js';
import { keySerdeOf, requireBytes } from './key-serde.js';

const NAME = 'int32-key';

/** 4 bytes big-endian with the sign bit flipped, so -1 sorts before 0 in unsigned byte order. */
export const int32KeySerde = keySerdeOf<number>({
  name: NAME,
  encode(value, context) {
    if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
      throw new KeyEncodingError(NAME, context, `${value} is not a 32-bit integer`);
    }
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE((value ^ 0x8000_0000) >>> 0, 0);
    return out;
  },
  decode(data, offset, context) {
    requireBytes(NAME, data, offset, 4, context);
    return { value: (data.readUInt32BE(offset) ^ 0x8000_0000) | 0, next: offset + 4 };
  },
});
