/** One entry returned by a scan. */
export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/** Bounds of a range scan, in the byte order of the serialized keys: `from` inclusive, `to` exclusive. */
export interface RangeOptions<K> {
  readonly from?: K;
  readonly to?: K;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/** What `getIfCached` answers when the key's value is not in memory: call `get`. */
export const NOT_CACHED: unique symbol = Symbol('cdc-streams.not-cached');
export type NotCached = typeof NOT_CACHED;

/**
 * A key-value state store owned by one task.
 *
 * Reads are asynchronous (RocksDB's binding is); writes are synchronous and land in the store's
 * write buffer, which reads see at once (read-your-writes) and which reaches disk — and the
 * changelog — as one write batch when the task commits (`flush`). Scans return keys in the byte
 * order of their serialized form, so use an order-preserving key serde for ranges and prefixes.
 * Every iterator must be finished or `return()`ed; closing the store closes any left open.
 */
export interface KeyValueStore<K, V> {
  readonly name: string;
  get(key: K): Promise<V | undefined>;
  /**
   * The key's value (or `undefined` for none) when the store can answer from memory — its
   * uncommitted writes or its read cache, e.g. after `prefetch` — and `NOT_CACHED` when only `get`
   * can. Lets a processor whose keys were prefetched stay synchronous, so the engine spends no
   * promise on the record; the answer is the one `get` would give.
   */
  getIfCached(key: K): V | undefined | NotCached;
  /**
   * Reads the values of `keys` in one round trip to the store (RocksDB `getMany`) and keeps them in
   * the read cache, so the `get`s that follow are answered from memory. A hint, never required for
   * correctness: call it with the keys of a batch before processing the batch one record at a time.
   */
  prefetch(keys: readonly K[]): Promise<void>;
  put(key: K, value: V): void;
  /** Writes `value` only if the key has none; returns the value that was already there, if any. */
  putIfAbsent(key: K, value: V): Promise<V | undefined>;
  delete(key: K): void;
  range(options?: RangeOptions<K>): AsyncIterableIterator<KeyValue<K, V>>;
  /** All entries whose serialized key starts with the serialized `prefix`. */
  prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>>;
  all(): AsyncIterableIterator<KeyValue<K, V>>;
  approximateNumEntries(): Promise<number>;
}
