import type { BytesRange } from './bytes-store.js';

/**
 * The smallest key greater than every key starting with `prefix`, or `undefined` when no such key
 * exists (an empty prefix, or one made only of 0xFF bytes): then a prefix scan has no upper bound.
 */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const byte = prefix[i];
    if (byte !== undefined && byte !== 0xff) {
      const bound = Buffer.allocUnsafe(i + 1);
      prefix.copy(bound, 0, 0, i);
      bound[i] = byte + 1;
      return bound;
    }
  }
  return undefined;
}

/** The range that holds exactly the keys starting with `prefix`. */
export function prefixRange(prefix: Buffer): BytesRange {
  const lt = prefixUpperBound(prefix);
  return lt === undefined ? { gte: prefix } : { gte: prefix, lt };
}

/**
 * A latin1 string maps each byte to one UTF-16 code unit below 256, so comparing such strings with
 * `<` (or sorting them with the default comparator) gives the byte order of the keys. Both stores
 * key their maps this way to get a cheap, hashable, order-preserving form of a Buffer.
 */
export function toBinaryString(bytes: Buffer): string {
  return bytes.toString('latin1');
}

export function fromBinaryString(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

/** First index in the sorted `keys` whose key is >= `bound` (binary search). */
export function lowerBound(keys: readonly string[], bound: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The slice `[start, end)` of the sorted `keys` that falls inside `range`'s bounds. */
export function rangeIndexes(keys: readonly string[], range: BytesRange): { start: number; end: number } {
  const start = range.gte === undefined ? 0 : lowerBound(keys, toBinaryString(range.gte));
  const end = range.lt === undefined ? keys.length : lowerBound(keys, toBinaryString(range.lt));
  return { start, end: Math.max(start, end) };
}

/**
 * Merges two sorted, duplicate-free key arrays into a new sorted array without duplicates. Used to
 * fold freshly written keys (sorted on their own, small) into the big sorted index in one pass.
 */
export function mergeSortedKeys(a: readonly string[], b: readonly string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++] as string;
  while (j < b.length) out[n++] = b[j++] as string;
  out.length = n;
  return out;
}
