import type { Serde, SerdeContext } from '../serde.js';
import { KeyEncodingError } from '../serde-errors.js';
import type { KeyPart } from './key-part.js';

/** A whole key made of one part; trailing bytes after it are an error, not ignored. */
export function keySerdeOf<T>(part: KeyPart<T>): Serde<T> & KeyPart<T> {
  return {
    name: part.name,
    encode: (value, context) => part.encode(value, context),
    decode: (data, offset, context) => part.decode(data, offset, context),
    serialize: (value: T, context: SerdeContext) => part.encode(value, context),
    deserialize(data: Buffer, context: SerdeContext): T {
      const { value, next } = part.decode(data, 0, context);
      if (next !== data.length) throw new KeyEncodingError(part.name, context, `${data.length - next} trailing bytes`);
      return value;
    },
  };
}

export function requireBytes(name: string, data: Buffer, offset: number, length: number, context: SerdeContext): void {
  if (offset + length > data.length) {
    throw new KeyEncodingError(name, context, `needs ${length} bytes at offset ${offset}, has ${data.length - offset}`);
  }
}
