import type { KeyValue } from './key-value-store.js';

/** A time window `[start, end)` in epoch milliseconds: `start` inclusive, `end` exclusive. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** A record key together with the window it was aggregated in: the key of a windowed table. */
export interface Windowed<K> {
  readonly key: K;
  readonly window: TimeWindow;
}

/** One window of one key, as `WindowStore.fetch` returns it. */
export interface WindowEntry<V> {
  readonly windowStart: number;
  readonly value: V;
}

/**
 * A store of values per key and window start (Kafka Streams' `WindowStore`), owned by one task.
 *
 * Like a key-value store, writes are synchronous and buffered until the task commits, reads are
 * asynchronous and see the buffered writes, and the store is backed by a changelog. It keeps windows
 * for `retentionMs` of stream time: the store's stream time is the largest window start written (or
 * what its operator advanced it to), and a window whose start lies `retentionMs` or more behind it is
 * expired — writes to it are ignored, reads do not return it, and whole segments of expired windows
 * are deleted.
 */
export interface WindowStore<K, V> {
  readonly name: string;
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  /** Writes (or, with `undefined`, deletes) the value of `key` in the window starting at `windowStart`. Returns false when that window is expired and nothing was written. */
  put(key: K, windowStart: number, value: V | undefined): boolean;
  /** The value of `key` in the window starting at `windowStart`. */
  get(key: K, windowStart: number): Promise<V | undefined>;
  /** The windows of `key` whose start lies in `[from, to]` (both inclusive), in start order. */
  fetch(key: K, from: number, to: number): AsyncIterableIterator<WindowEntry<V>>;
  /** Every key's windows whose start lies in `[from, to]`: by segment, then key bytes, then start. */
  fetchAll(from: number, to: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>>;
  /** Every window the store holds that is not expired. */
  all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>>;
  /** Reads these windows in one round trip into the read cache (a hint, as `KeyValueStore.prefetch`). */
  prefetch(windows: ReadonlyArray<{ readonly key: K; readonly windowStart: number }>): Promise<void>;
  /** The store's stream time (-Infinity before the first write): what expires windows. */
  observedStreamTime(): number;
}
