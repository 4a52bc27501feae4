import type { Headers } from '../common/headers.js';

/** What a serde may know about the record it converts; error messages name these coordinates. */
export interface SerdeContext {
  readonly topic: string;
  readonly partition?: number;
  readonly offset?: string;
  readonly headers?: Headers;
}

export interface Serializer<T> {
  serialize(value: T, context: SerdeContext): Buffer;
}

export interface Deserializer<T> {
  deserialize(data: Buffer, context: SerdeContext): T;
}

/**
 * Converts values to bytes and back. `serialize`/`deserialize` are synchronous so the per-record hot
 * path allocates no promise; anything that needs the network (a schema registry) happens in `init`
 * (once, before the first record) or `prepare` (once per fetched batch, e.g. to look up schema ids
 * the batch uses that are not cached yet).
 */
export interface Serde<T> extends Serializer<T>, Deserializer<T> {
  /** Short human name used in `describe()` output and error messages, e.g. `string`, `avro(order-event)`. */
  readonly name: string;
  init?(topic: string): Promise<void>;
  prepare?(batch: readonly Buffer[], topic: string): Promise<void>;
}
