import { ConfigError } from '../common/errors.js';
import type { Serde, SerdeContext } from '../serde/serde.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { StoreSerdeError } from './store-errors.js';
import { DATA_TAG, decodeTimeKey, keyPrefix, readOrderedTime, segmentPrefix, sideKey, TIME_BYTES, timeKey, writeOrderedTime } from './window-key-schema.js';
import type { WindowEntry, WindowStore, Windowed } from './window-store.js';
import { prefixUpperBound } from './byte-order.js';

export interface WindowStoreOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** The windows' size: the `end` of the `Windowed` keys `fetchAll` returns is `start + windowSizeMs`. */
  readonly windowSizeMs: number;
  /** How long (in stream time) a window is kept after its start. */
  readonly retentionMs: number;
  /** Width of a segment, the unit in which expired windows are deleted. Default max(retention / 2, 60 s), as Kafka Streams. */
  readonly segmentIntervalMs?: number;
  /**
   * What moves the store's stream time, which expires windows: the window starts written (`writes`,
   * the default, as Kafka Streams), or only `advanceStreamTime` (`advanced`: an operator whose stream
   * time follows watermarks, which may lag behind the windows records already opened).
   */
  readonly streamTime?: 'writes' | 'advanced';
}

/** The side entry holding the store's stream time and the latest window start written (8 + 8 bytes). */
const STREAM_TIMES = sideKey('stream-times');
const MIN_SEGMENT_INTERVAL_MS = 60_000;

/** Throws a ConfigError naming the store for sizes that cannot work; returns them with defaults filled in. */
export function validateWindowStoreOptions(
  name: string,
  options: Pick<WindowStoreOptions<unknown, unknown>, 'windowSizeMs' | 'retentionMs' | 'segmentIntervalMs'>,
): { windowSizeMs: number; retentionMs: number; segmentIntervalMs: number } {
  const { windowSizeMs, retentionMs } = options;
  if (!Number.isSafeInteger(windowSizeMs) || windowSizeMs <= 0) {
    throw new ConfigError(`window store '${name}': window size must be a positive whole number of ms, got ${windowSizeMs}`);
  }
  if (!Number.isSafeInteger(retentionMs) || retentionMs < windowSizeMs) {
    throw new ConfigError(`window store '${name}': retention (${retentionMs} ms) must be a whole number of ms, at least the window size (${windowSizeMs} ms)`);
  }
  const segmentIntervalMs = options.segmentIntervalMs ?? defaultSegmentInterval(retentionMs);
  if (!Number.isSafeInteger(segmentIntervalMs) || segmentIntervalMs <= 0) {
    throw new ConfigError(`window store '${name}': segment interval must be a positive whole number of ms, got ${segmentIntervalMs}`);
  }
  return { windowSizeMs, retentionMs, segmentIntervalMs };
}

/** -Infinity (nothing yet) is stored as the smallest safe integer. */
function encodeTime(time: number, out: Buffer, offset: number): void {
  writeOrderedTime(Number.isFinite(time) ? time : Number.MIN_SAFE_INTEGER, out, offset);
}

function decodeTime(data: Buffer, offset: number): number {
  const time = readOrderedTime(data, offset);
  return time === Number.MIN_SAFE_INTEGER ? Number.NEGATIVE_INFINITY : time;
}

export function defaultSegmentInterval(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), MIN_SEGMENT_INTERVAL_MS);
}

/**
 * A `WindowStore` laid out in time segments inside one bytes key-value store (window-key-schema.ts):
 * `segment | key | window start`. Built on the ordinary caching store, so its writes are buffered,
 * changelogged, flushed at commit and restored like any other store's; the typed layer here only maps
 * windows to keys. A window belongs to segment `floor(start / segmentInterval)`; once every window of
 * a segment has expired, the segment's entries are deleted (tombstones, so the changelog compacts them
 * away too) the next time the store is read.
 *
 * `init()` must be awaited once before use (after restore): it reads the stream time the store kept.
 */
export class SegmentedWindowStore<K, V> implements WindowStore<K, V> {
  readonly name: string;
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  private readonly context: SerdeContext;
  private streamTime = Number.NEGATIVE_INFINITY;
  /** No window starts after this: reads need not look further. */
  private latestStart = Number.NEGATIVE_INFINITY;
  /** Segments below this one hold nothing (deleted, or never written). */
  private firstKeptSegment = Number.NEGATIVE_INFINITY;
  /** Expired windows dropped since the store was opened. */
  expiredWrites = 0;

  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    private readonly options: WindowStoreOptions<K, V>,
  ) {
    const { windowSizeMs, retentionMs, segmentIntervalMs } = validateWindowStoreOptions(store.name, options);
    this.name = store.name;
    this.windowSizeMs = windowSizeMs;
    this.retentionMs = retentionMs;
    this.segmentIntervalMs = segmentIntervalMs;
    this.context = { topic: store.name };
  }

  async init(): Promise<this> {
    const stored = await this.store.get(STREAM_TIMES);
    if (stored !== undefined) {
      this.streamTime = decodeTime(stored, 0);
      this.latestStart = decodeTime(stored, TIME_BYTES);
    }
    return this;
  }

  observedStreamTime(): number {
    return this.streamTime;
  }

  /** Moves the store's stream time forward (never back); with `streamTime: 'advanced'` only this does. */
  advanceStreamTime(time: number): void {
    if (!(time > this.streamTime)) return;
    this.streamTime = time;
    this.saveTimes();
  }

  private saveTimes(): void {
    const out = Buffer.allocUnsafe(2 * TIME_BYTES);
    encodeTime(this.streamTime, out, 0);
    encodeTime(this.latestStart, out, TIME_BYTES);
    this.store.put(STREAM_TIMES, out);
  }

  /** Windows starting at or before this are expired. */
  private expiredUpTo(): number {
    return this.streamTime - this.retentionMs;
  }

  isExpired(windowStart: number): boolean {
    return windowStart <= this.expiredUpTo();
  }

  private segmentOf(time: number): number {
    return Math.floor(time / this.segmentIntervalMs);
  }

  put(key: K, windowStart: number, value: V | undefined): boolean {
    if (this.isExpired(windowStart)) {
      this.expiredWrites++;
      return false;
    }
    const keyBytes = this.serializeKey(key);
    const stored = timeKey(this.segmentOf(windowStart), keyBytes, windowStart);
    if (value === undefined) this.store.delete(stored);
    else this.store.put(stored, this.serializeValue(keyBytes, value));
    if (windowStart > this.latestStart) {
      this.latestStart = windowStart;
      if (this.options.streamTime !== 'advanced' && windowStart > this.streamTime) this.streamTime = windowStart;
      this.saveTimes();
    }
    return true;
  }

  async get(key: K, windowStart: number): Promise<V | undefined> {
    if (this.isExpired(windowStart)) return undefined;
    await this.dropExpiredSegments();
    const keyBytes = this.serializeKey(key);
    const value = await this.store.get(timeKey(this.segmentOf(windowStart), keyBytes, windowStart));
    return value === undefined ? undefined : this.deserializeValue(keyBytes, value);
  }

  async prefetch(windows: ReadonlyArray<{ readonly key: K; readonly windowStart: number }>): Promise<void> {
    const keys: Buffer[] = [];
    for (const { key, windowStart } of windows) {
      if (!this.isExpired(windowStart)) keys.push(timeKey(this.segmentOf(windowStart), this.serializeKey(key), windowStart));
    }
    if (keys.length > 0) await this.store.prefetch(keys);
  }

  async *fetch(key: K, from: number, to: number): AsyncIterableIterator<WindowEntry<V>> {
    await this.dropExpiredSegments();
    const span = this.liveSpan(from, to);
    if (span === undefined) return;
    const keyBytes = this.serializeKey(key);
    for (let segment = span.firstSegment; segment <= span.lastSegment; segment++) {
      const range = { from: timeKey(segment, keyBytes, span.first), to: timeKey(segment, keyBytes, span.last + 1) };
      for await (const entry of this.store.range(range)) {
        yield { windowStart: decodeTimeKey(entry.key, this.name).time, value: this.deserializeValue(keyBytes, entry.value) };
      }
    }
  }

  async *fetchAll(from: number, to: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    await this.dropExpiredSegments();
    const span = this.liveSpan(from, to);
    if (span === undefined) return;
    const range = { from: segmentPrefix(span.firstSegment), to: prefixUpperBound(segmentPrefix(span.lastSegment))! };
    for await (const entry of this.store.range(range)) {
      const decoded = decodeTimeKey(entry.key, this.name);
      if (decoded.time < span.first || decoded.time > span.last) continue;
      yield {
        key: { key: this.deserializeKey(decoded.key), window: { start: decoded.time, end: decoded.time + this.windowSizeMs } },
        value: this.deserializeValue(decoded.key, entry.value),
      };
    }
  }

  all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.fetchAll(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  /**
   * The window starts a read of `[from, to]` can find: not expired, not after the latest start written
   * (nothing later exists), and the segments they lie in. Undefined when there are none.
   */
  private liveSpan(from: number, to: number): { first: number; last: number; firstSegment: number; lastSegment: number } | undefined {
    if (!Number.isFinite(this.latestStart)) return undefined;
    const first = Math.max(from, this.expiredUpTo() + 1);
    const last = Math.min(to, this.latestStart);
    if (first > last) return undefined;
    return { first, last, firstSegment: this.segmentOf(first), lastSegment: this.segmentOf(last) };
  }

  /**
   * Deletes the entries of every segment whose windows have all expired. Runs before reads (writes are
   * synchronous and cannot scan); the read itself never returns an expired window either way.
   */
  private async dropExpiredSegments(): Promise<void> {
    if (!Number.isFinite(this.streamTime)) return;
    // The last segment all of whose windows are expired: its successor starts after expiredUpTo().
    const lastExpired = this.segmentOf(this.expiredUpTo() + 1) - 1;
    if (lastExpired < this.firstKeptSegment) return;
    const from = Number.isFinite(this.firstKeptSegment) ? segmentPrefix(this.firstKeptSegment) : Buffer.of(DATA_TAG);
    const to = prefixUpperBound(segmentPrefix(lastExpired))!;
    this.firstKeptSegment = lastExpired + 1;
    const doomed: Buffer[] = [];
    for await (const entry of this.store.range({ from, to })) doomed.push(entry.key);
    for (const key of doomed) this.store.delete(key);
  }

  /** The stored-key prefix of one key's windows in one segment (for tests and tools). */
  keyPrefix(key: K, windowStart: number): Buffer {
    return keyPrefix(this.segmentOf(windowStart), this.serializeKey(key));
  }

  private serializeKey(key: K): Buffer {
    try {
      return this.options.keySerde.serialize(key, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `serialize key with ${this.options.keySerde.name}`, undefined, error);
    }
  }

  private deserializeKey(keyBytes: Buffer): K {
    try {
      return this.options.keySerde.deserialize(keyBytes, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `deserialize key with ${this.options.keySerde.name}`, keyBytes, error);
    }
  }

  private serializeValue(keyBytes: Buffer, value: V): Buffer {
    try {
      return this.options.valueSerde.serialize(value, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `serialize value with ${this.options.valueSerde.name}`, keyBytes, error);
    }
  }

  private deserializeValue(keyBytes: Buffer, valueBytes: Buffer): V {
    try {
      return this.options.valueSerde.deserialize(valueBytes, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `deserialize value with ${this.options.valueSerde.name}`, keyBytes, error);
    }
  }
}
