import type { Headers } from '../common/headers.js';

/** An output record as a test reads it, deserialized with the sink's serdes. */
export interface TestRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;
  readonly partition: number;
  readonly offset: string;
}

export interface PipeOptions {
  /** Event time in ms; defaults to the driver's wall clock. */
  readonly timestamp?: number;
  readonly headers?: Headers;
  /** Partition to write to; defaults to the key's hash (or 0 for a null key). */
  readonly partition?: number;
}
