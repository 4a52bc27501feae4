import type { Headers } from '../common/headers.js';

/**
 * A record flowing through a topology. Immutable: derive a changed copy with the `with*` helpers
 * instead of mutating, so a record forwarded to two children cannot be changed under one of them.
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Event time in epoch milliseconds. */
  readonly timestamp: number;
  readonly headers: Headers;
}

const NO_HEADERS: Headers = Object.freeze({});

export function streamRecord<K, V>(key: K, value: V, timestamp: number, headers: Headers = NO_HEADERS): StreamRecord<K, V> {
  return { key, value, timestamp, headers };
}

export function withKey<K, V, K2>(record: StreamRecord<K, V>, key: K2): StreamRecord<K2, V> {
  return { key, value: record.value, timestamp: record.timestamp, headers: record.headers };
}

export function withValue<K, V, V2>(record: StreamRecord<K, V>, value: V2): StreamRecord<K, V2> {
  return { key: record.key, value, timestamp: record.timestamp, headers: record.headers };
}

export function withTimestamp<K, V>(record: StreamRecord<K, V>, timestamp: number): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp, headers: record.headers };
}

export function withHeaders<K, V>(record: StreamRecord<K, V>, headers: Headers): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp: record.timestamp, headers };
}

/** Where the input record currently being processed was read from. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit; kept as a decimal string as kafkajs does. */
  readonly offset: string;
}
