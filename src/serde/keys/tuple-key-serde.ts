import type { Serde, SerdeContext } from '../serde.js';
import { KeyEncodingError } from '../serde-errors.js';
import type { KeyPart } from './key-part.js';

type PartValues<P extends readonly KeyPart<unknown>[]> = { [I in keyof P]: P[I] extends KeyPart<infer T> ? T : never };

/** The leading values of a tuple: `[]`, `[a]`, `[a, b]`, ... up to the whole tuple. */
export type LeadingValues<T extends readonly unknown[]> = T extends readonly [...infer Head, unknown]
  ? T | LeadingValues<Head>
  : T;

export interface TupleKeySerde<T extends readonly unknown[]> extends Serde<T> {
  /**
   * The bytes every key starting with these leading values starts with: the argument for a prefix
   * scan. `serialize` accepts the same shorter tuples, so a store's `prefixScan([orderId])` works.
   */
  prefix(leading: LeadingValues<T>, context: SerdeContext): Buffer;
}

/**
 * A composite key: the parts' encodings concatenated. Each part is self-delimiting and
 * order-preserving, so tuples sort part by part (lexicographically) and all keys sharing leading
 * values are one contiguous byte range beginning with `prefix(leading)`.
 */
export function tupleSerde<P extends readonly KeyPart<unknown>[]>(...parts: P): TupleKeySerde<PartValues<P>> {
  const name = `tuple(${parts.map((p) => p.name).join(', ')})`;
  const encode = (values: readonly unknown[], context: SerdeContext): Buffer => {
    if (!Array.isArray(values) || values.length > parts.length) {
      throw new KeyEncodingError(name, context, `expected an array of at most ${parts.length} values`);
    }
    return Buffer.concat(values.map((value, i) => (parts[i] as KeyPart<unknown>).encode(value, context)));
  };
  return {
    name,
    prefix: (leading, context) => encode(leading, context),
    serialize: (value, context) => encode(value, context),
    deserialize(data: Buffer, context: SerdeContext): PartValues<P> {
      const values: unknown[] = [];
      let offset = 0;
      for (const part of parts) {
        const decoded = part.decode(data, offset, context);
        values.push(decoded.value);
        offset = decoded.next;
      }
      if (offset !== data.length) throw new KeyEncodingError(name, context, `${data.length - offset} trailing bytes`);
      // The loop decoded exactly one value per part, in order: the shape PartValues<P> describes.
      return values as unknown as PartValues<P>;
    },
  };
}
