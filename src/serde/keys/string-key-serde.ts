import type { SerdeContext } from '../serde.js';
import { KeyEncodingError } from '../serde-errors.js';
import { keySerdeOf } from './key-serde.js';

const NAME = 'string-key';
const ESCAPE = 0x00;
const ESCAPED_ZERO = 0xff;
const TERMINATOR = 0x01;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 with every 0x00 byte written as 0x00 0xFF and a 0x00 0x01 terminator (the scheme of
 * FoundationDB's tuple layer). The terminator sorts below every other byte that can follow, so "ab"
 * < "ab\0" < "abc", and a string part ends unambiguously inside a tuple.
 */
export const stringKeySerde = keySerdeOf<string>({
  name: NAME,
  encode(value, context) {
    if (typeof value !== 'string') throw new KeyEncodingError(NAME, context, `${typeof value} is not a string`);
    const raw = Buffer.from(value, 'utf8');
    let zeros = 0;
    for (const byte of raw) if (byte === ESCAPE) zeros += 1;
    const out = Buffer.allocUnsafe(raw.length + zeros + 2);
    let at = 0;
    for (const byte of raw) {
      out[at++] = byte;
      if (byte === ESCAPE) out[at++] = ESCAPED_ZERO;
    }
    out[at++] = ESCAPE;
    out[at] = TERMINATOR;
    return out;
  },
  decode(data, offset, context) {
    const bytes: number[] = [];
    for (let at = offset; at < data.length; at += 1) {
      const byte = data.readUInt8(at);
      if (byte !== ESCAPE) {
        bytes.push(byte);
        continue;
      }
      if (at + 1 >= data.length) break;
      const next = data.readUInt8(at + 1);
      if (next === TERMINATOR) return { value: decodeUtf8(Buffer.from(bytes), context), next: at + 2 };
      if (next !== ESCAPED_ZERO) {
        throw new KeyEncodingError(NAME, context, `bad escape 0x00 0x${next.toString(16)} at offset ${at}`);
      }
      bytes.push(ESCAPE);
      at += 1;
    }
    throw new KeyEncodingError(NAME, context, `no terminator after offset ${offset}`);
  },
});

function decodeUtf8(bytes: Buffer, context: SerdeContext): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new KeyEncodingError(NAME, context, `not UTF-8: ${error instanceof Error ? error.message : String(error)}`);
  }
}
