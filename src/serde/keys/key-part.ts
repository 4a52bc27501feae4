import type { SerdeContext } from '../serde.js';

/**
 * One self-delimiting, order-preserving component of a key: its encoding says where it ends, and
 * comparing encodings byte by byte (unsigned, shorter-is-smaller) gives the order of the values.
 * Both properties are what lets `tupleSerde` concatenate parts and keep prefix scans working.
 */
export interface KeyPart<T> {
  readonly name: string;
  encode(value: T, context: SerdeContext): Buffer;
  /** Reads one value starting at `offset`; returns it and the offset just after it. */
  decode(data: Buffer, offset: number, context: SerdeContext): { value: T; next: number };
}
