import { ConfigError } from '../common/errors.js';
import type { Serde, SerdeContext } from '../serde/serde.js';
import type { BytesRange, BytesStore, BytesWrite } from './bytes-store.js';
import { prefixRange, toBinaryString } from './byte-order.js';
import { NOT_CACHED, type KeyValue, type KeyValueStore, type NotCached, type RangeOptions } from './key-value-store.js';
import { mergedScan } from './merged-scan.js';
import { StoreClosedError, StoreSerdeError, StoreStateError } from './store-errors.js';
import { applyChangelogBatch, readChangelogOffset } from './store-restore.js';
import { ReadCache } from './read-cache.js';
import { WriteBuffer } from './write-buffer.js';

export interface CachingStoreOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /**
   * Buffered keys at which `needsFlush()` turns true, so the engine commits early rather than letting
   * the buffer (held in memory until commit) grow without bound. Default 10,000.
   */
  readonly maxBufferedEntries?: number;
  /** Bytes of recently read or flushed values kept in memory (see ReadCache). Default 2 MiB; 0 turns it off. */
  readonly readCacheBytes?: number;
}

export const DEFAULT_MAX_BUFFERED_ENTRIES = 10_000;
export const DEFAULT_READ_CACHE_BYTES = 2 * 1024 * 1024;

/**
 * The typed store a processor sees, over a bytes-only `BytesStore`. Writes land in a write buffer
 * (last write per serialized key) that reads and scans see at once; the task engine drains it at
 * commit:
 *
 *   1. `pendingWrites()` — what the changelog must receive (last write per key);
 *   2. the engine produces those to the changelog and commits;
 *   3. `flush(changelogOffsetMetadata(next))` — buffer and changelog position in one atomic batch.
 *
 * The engine must not run processors between 1 and 3: a write made in between would reach disk
 * without reaching the changelog. `close()` does not flush; a clean shutdown commits first, and a
 * task closing after an error must not persist what was never changelogged.
 */
export class CachingKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly name: string;
  private readonly keySerde: Serde<K>;
  private readonly valueSerde: Serde<V>;
  private readonly context: SerdeContext;
  private readonly maxBufferedEntries: number;
  private readonly buffer = new WriteBuffer();
  private readonly cache: ReadCache;
  private flushing: Promise<void> | undefined;
  /** Counts finished flushes: a read that overlapped one may return what the flush replaced. */
  private flushes = 0;
  private closed = false;
  /**
   * The last primitive key serialized and its bytes and latin1 form: a processor reads a key and
   * then writes it (get → put), and serializing it twice was a tenth of an aggregate's time. Only
   * primitives: an object key could be mutated between two calls.
   */
  private memoKey: unknown = NOT_CACHED;
  private memoKeyBytes: Buffer = Buffer.alloc(0);
  private memoK = '';

  constructor(
    readonly inner: BytesStore,
    options: CachingStoreOptions<K, V>,
  ) {
    const max = options.maxBufferedEntries ?? DEFAULT_MAX_BUFFERED_ENTRIES;
    if (!Number.isInteger(max) || max < 1) {
      throw new ConfigError(`store '${inner.name}': maxBufferedEntries must be a positive integer, got ${max}`);
    }
    this.name = inner.name;
    this.keySerde = options.keySerde;
    this.valueSerde = options.valueSerde;
    this.context = { topic: inner.name };
    this.maxBufferedEntries = max;
    this.cache = new ReadCache(options.readCacheBytes ?? DEFAULT_READ_CACHE_BYTES);
  }

  getIfCached(key: K): V | undefined | NotCached {
    this.assertOpen('getIfCached');
    this.memoize(key);
    return this.fromMemory(this.memoK, this.memoKeyBytes);
  }

  async get(key: K): Promise<V | undefined> {
    this.assertOpen('get');
    this.memoize(key);
    const keyBytes = this.memoKeyBytes;
    const k = this.memoK;
    const inMemory = this.fromMemory(k, keyBytes);
    if (inMemory !== NOT_CACHED) return inMemory;
    const flushes = this.flushes;
    const stored = await this.inner.get(keyBytes);
    this.cacheRead(k, stored, flushes);
    return stored === undefined ? undefined : this.deserializeValue(keyBytes, stored);
  }

  async prefetch(keys: readonly K[]): Promise<void> {
    this.assertOpen('prefetch');
    if (!this.cache.enabled) return;
    const missing: Buffer[] = [];
    const missingKeys: string[] = [];
    const wanted = new Set<string>();
    for (const key of keys) {
      const keyBytes = this.serializeKey(key);
      const k = toBinaryString(keyBytes);
      if (wanted.has(k) || this.buffer.get(k) !== undefined || this.cache.peek(k) !== undefined) continue;
      wanted.add(k);
      missing.push(keyBytes);
      missingKeys.push(k);
    }
    if (missing.length === 0) return;
    const flushes = this.flushes;
    const values = await this.inner.getMany(missing);
    for (let i = 0; i < missing.length; i++) this.cacheRead(missingKeys[i]!, values[i], flushes);
  }

  put(key: K, value: V): void {
    this.assertOpen('put');
    this.memoize(key);
    const keyBytes = this.memoKeyBytes;
    const k = this.memoK;
    this.buffer.set(k, keyBytes, this.serializeValue(keyBytes, value), this.knownAbsentBelow(k));
  }

  async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    const existing = await this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  /**
   * A key written since the last commit that the store is known not to hold (a read or prefetch said
   * so) leaves no trace when deleted before the commit: no RocksDB tombstone, no changelog record —
   * the resequencer's held events, mostly released within the commit interval they arrived in.
   */
  delete(key: K): void {
    this.assertOpen('delete');
    this.memoize(key);
    const keyBytes = this.memoKeyBytes;
    const k = this.memoK;
    if (this.flushing === undefined && this.buffer.isAbsentBelow(k)) this.buffer.discard(k);
    else this.buffer.set(k, keyBytes, null);
  }

  range(options: RangeOptions<K> = {}): AsyncIterableIterator<KeyValue<K, V>> {
    this.assertOpen('range');
    const range: BytesRange = {
      ...(options.from === undefined ? {} : { gte: this.serializeKey(options.from) }),
      ...(options.to === undefined ? {} : { lt: this.serializeKey(options.to) }),
      ...(options.reverse === undefined ? {} : { reverse: options.reverse }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    };
    return this.scan(range);
  }

  prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>> {
    this.assertOpen('prefixScan');
    return this.scan(prefixRange(this.serializeKey(prefix)));
  }

  all(): AsyncIterableIterator<KeyValue<K, V>> {
    this.assertOpen('all');
    return this.scan({});
  }

  async approximateNumEntries(): Promise<number> {
    this.assertOpen('approximateNumEntries');
    // Buffered puts may overwrite stored keys and deletes may hide them: an estimate, as promised.
    return (await this.inner.approximateCount()) + this.buffer.size;
  }

  // ---- engine-facing: not part of KeyValueStore ----

  /** Bytes the store takes on disk (the write buffer not included), an estimate. */
  approximateSizeBytes(): Promise<number> {
    this.assertOpen('approximateSizeBytes');
    return this.inner.approximateSizeBytes();
  }

  /** The writes the changelog must receive at this commit: the last write per key. */
  pendingWrites(): readonly BytesWrite[] {
    return this.buffer.writes();
  }

  bufferedCount(): number {
    return this.buffer.size;
  }

  hasPendingWrites(): boolean {
    return this.buffer.size > 0;
  }

  needsFlush(): boolean {
    return this.buffer.size >= this.maxBufferedEntries;
  }

  /**
   * Writes the buffer and `metadata` (e.g. `changelogOffsetMetadata(offset)`) as one atomic batch,
   * then empties the buffer. Reads during the flush still see the buffer; an entry rewritten during
   * the flush stays buffered for the next one.
   */
  async flush(metadata?: ReadonlyMap<string, Buffer>): Promise<void> {
    this.assertOpen('flush');
    // One flush at a time: a second caller waits, then flushes what is left.
    while (this.flushing !== undefined) await this.flushing;
    const flushed = this.buffer.snapshot();
    if (flushed.length === 0 && metadata === undefined) return;
    const writing = this.inner.write(
      flushed.map(([, write]) => write),
      metadata,
    );
    this.flushing = writing;
    try {
      await writing;
    } finally {
      this.flushing = undefined;
    }
    for (const [key, write] of flushed) this.cache.set(key, write.value);
    this.buffer.removeFlushed(flushed);
    this.flushes++;
  }

  /**
   * Applies changelog records straight to the bytes store with the changelog position, in one
   * batch. Only while restoring, before processing: the buffer must be empty.
   */
  async restore(records: readonly BytesWrite[], nextOffset: string, metadata?: ReadonlyMap<string, Buffer>): Promise<void> {
    this.assertOpen('restore');
    if (this.buffer.size > 0) {
      throw new StoreStateError(this.name, `cannot restore with ${this.buffer.size} unflushed writes`);
    }
    this.cache.clear();
    await applyChangelogBatch(this.inner, records, nextOffset, metadata);
  }

  /** A metadata entry kept beside the data (e.g. the changelog offset, or the engine's chunk index). */
  async metadata(name: string): Promise<Buffer | undefined> {
    this.assertOpen('metadata');
    return this.inner.getMetadata(name);
  }

  /** The next changelog offset to restore from, as last flushed or restored; `undefined` if none. */
  async changelogOffset(): Promise<string | undefined> {
    this.assertOpen('changelogOffset');
    return readChangelogOffset(this.inner);
  }

  /** Discards unflushed writes, ends open scans and closes the bytes store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushing !== undefined) await Promise.allSettled([this.flushing]);
    this.buffer.clear();
    this.cache.clear();
    await this.inner.close();
  }

  /**
   * Whether the inner store is known to hold no value for the key: the buffered write already covers
   * an absent key, or nothing is buffered and the read cache remembers the key as absent. Never while
   * a flush is writing: what it writes is about to be in the inner store.
   */
  private knownAbsentBelow(k: string): boolean {
    if (this.flushing !== undefined) return false;
    if (this.buffer.get(k) !== undefined) return this.buffer.isAbsentBelow(k);
    return this.cache.peek(k) === null;
  }

  /** The key's value from the write buffer or the read cache, or NOT_CACHED when neither has it. */
  private fromMemory(k: string, keyBytes: Buffer): V | undefined | NotCached {
    const buffered = this.buffer.get(k);
    if (buffered !== undefined) return buffered.value === null ? undefined : this.deserializeValue(keyBytes, buffered.value);
    const cached = this.cache.get(k);
    if (cached !== undefined) return cached === null ? undefined : this.deserializeValue(keyBytes, cached);
    return NOT_CACHED;
  }

  /** Caches what a read returned unless a write or a flush since the read started makes it stale. */
  private cacheRead(k: string, stored: Buffer | undefined, flushesAtStart: number): void {
    if (this.flushes !== flushesAtStart || this.buffer.get(k) !== undefined) return;
    this.cache.set(k, stored ?? null);
  }

  private scan(range: BytesRange): AsyncIterableIterator<KeyValue<K, V>> {
    // The buffer is read now, not at the first `next()`, so the scan shows exactly the writes made
    // before it was opened, whatever the caller writes while iterating.
    return this.typed(mergedScan(this.inner, range, this.buffer.inRange(range)));
  }

  private async *typed(merged: AsyncGenerator<[Buffer, Buffer], void, undefined>): AsyncGenerator<KeyValue<K, V>, void, undefined> {
    for await (const [keyBytes, valueBytes] of merged) {
      yield { key: this.deserializeKey(keyBytes), value: this.deserializeValue(keyBytes, valueBytes) };
    }
  }

  /** Sets `memoKeyBytes` and `memoK` to the key's; serializes unless the key is the last primitive key seen. */
  private memoize(key: K): void {
    // Object.is, not ===: 0 and -0 are equal keys to === but a number serde may write them differently.
    if (Object.is(key, this.memoKey)) return;
    const keyBytes = this.serializeKey(key);
    this.memoKeyBytes = keyBytes;
    this.memoK = toBinaryString(keyBytes);
    const type = typeof key;
    this.memoKey = type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean' ? key : NOT_CACHED;
  }

  private serializeKey(key: K): Buffer {
    try {
      return this.keySerde.serialize(key, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `serialize key with ${this.keySerde.name}`, undefined, error);
    }
  }

  private serializeValue(keyBytes: Buffer, value: V): Buffer {
    try {
      return this.valueSerde.serialize(value, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `serialize value with ${this.valueSerde.name}`, keyBytes, error);
    }
  }

  private deserializeKey(keyBytes: Buffer): K {
    try {
      return this.keySerde.deserialize(keyBytes, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `deserialize key with ${this.keySerde.name}`, keyBytes, error);
    }
  }

  private deserializeValue(keyBytes: Buffer, valueBytes: Buffer): V {
    try {
      return this.valueSerde.deserialize(valueBytes, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `deserialize value with ${this.valueSerde.name}`, keyBytes, error);
    }
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new StoreClosedError(this.name, operation);
  }
}
