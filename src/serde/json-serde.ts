import type { Serde, SerdeContext } from './serde.js';
import { InvalidJsonError, JsonNotSerializableError } from './serde-errors.js';

// fatal: bytes that are not UTF-8 are an error, not silently replaced by U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 JSON. `T` is trusted, not validated: parse the result with a zod schema where the shape matters.
 * bigint is not supported (JSON has no such type); serializing one throws `JsonNotSerializableError`.
 */
export function jsonSerde<T>(): Serde<T> {
  return {
    name: 'json',
    serialize(value: T, context: SerdeContext): Buffer {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (error) {
        throw new JsonNotSerializableError(context, error instanceof Error ? error.message : String(error), error);
      }
      // JSON.stringify returns undefined (typed as string) for undefined, functions and symbols.
      if (typeof text !== 'string') throw new JsonNotSerializableError(context, `${typeof value} has no JSON form`);
      return Buffer.from(text, 'utf8');
    },
    deserialize(data: Buffer, context: SerdeContext): T {
      try {
        return JSON.parse(utf8.decode(data)) as T;
      } catch (error) {
        throw new InvalidJsonError(context, error);
      }
    },
  };
}
