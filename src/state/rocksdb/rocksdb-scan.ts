import type RocksDB from 'rocksdb';
import { StoreClosedError, StoreIoError } from '../store-errors.js';

/**
 * One scan over a RocksDB iterator, as an async iterator that always ends its native iterator: when
 * the range is exhausted, on `return()` (a `break` out of `for await`), on `throw()`, on an error, and
 * when the store closes it first. A native iterator left open would pin memory and make the binding's
 * close wait on (or, in some versions, crash over) it.
 *
 * Keys arrive with the store's data prefix (`prefixBytes` long); `subarray` strips it without copying.
 */
export class RocksDbScan implements AsyncIterableIterator<[Buffer, Buffer]> {
  private native: RocksDB.RocksDbIterator | undefined;
  private inFlight: Promise<unknown> | undefined;
  private closedByStore = false;

  constructor(
    private readonly storeName: string,
    native: RocksDB.RocksDbIterator,
    private readonly prefixBytes: number,
    private readonly onEnded: (scan: RocksDbScan) => void,
  ) {
    this.native = native;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<[Buffer, Buffer]>> {
    if (this.closedByStore) throw new StoreClosedError(this.storeName, 'continue a scan');
    const native = this.native;
    if (native === undefined) return { done: true, value: undefined };
    const cached = takeCachedEntry(native, this.prefixBytes);
    if (cached !== undefined) return { done: false, value: cached };
    const step = nextEntry(native, this.prefixBytes);
    this.inFlight = step;
    let entry: [Buffer, Buffer] | undefined;
    try {
      entry = await step;
    } catch (error) {
      await this.end();
      throw new StoreIoError(this.storeName, 'scan', error);
    } finally {
      this.inFlight = undefined;
    }
    if (this.closedByStore) throw new StoreClosedError(this.storeName, 'continue a scan');
    if (entry === undefined) {
      await this.end();
      return { done: true, value: undefined };
    }
    return { done: false, value: entry };
  }

  async return(): Promise<IteratorResult<[Buffer, Buffer]>> {
    await this.end();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<[Buffer, Buffer]>> {
    await this.end();
    throw error;
  }

  /** Called by the store before it closes the database; later `next()` calls throw StoreClosedError. */
  async closeForStore(): Promise<void> {
    this.closedByStore = true;
    await this.end();
  }

  private async end(): Promise<void> {
    const native = this.native;
    if (native === undefined) return;
    this.native = undefined;
    // A `next` still running in the binding must settle first; its outcome belongs to its own caller.
    if (this.inFlight !== undefined) await Promise.allSettled([this.inFlight]);
    try {
      await new Promise<void>((resolve, reject) => native.end((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      throw new StoreIoError(this.storeName, 'end a scan', error);
    } finally {
      this.onEnded(this);
    }
  }
}

function nextEntry(native: RocksDB.RocksDbIterator, prefixBytes: number): Promise<[Buffer, Buffer] | undefined> {
  return new Promise((resolve, reject) => {
    native.next((error, key, value) => {
      if (error) reject(error);
      else if (key === undefined || value === undefined) resolve(undefined);
      else resolve([key.subarray(prefixBytes), value]);
    });
  });
}

/**
 * The binding reads entries from RocksDB in batches into the iterator's `cache` (reversed: popping
 * gives a key, then its value) and hands each one out through a `process.nextTick` and a callback;
 * taking them from that batch directly saves the tick, the callback and a promise per entry (the
 * profile showed that machinery as the biggest part of scanning). It relies on the pinned binding's
 * internals (rocksdb 5.2.1, iterator.js), so anything unexpected falls back to `next()`.
 */
function takeCachedEntry(native: RocksDB.RocksDbIterator, prefixBytes: number): [Buffer, Buffer] | undefined {
  const cache = (native as { cache?: unknown }).cache;
  if (!Array.isArray(cache) || cache.length < 2) return undefined;
  const key: unknown = cache[cache.length - 1];
  const value: unknown = cache[cache.length - 2];
  if (!Buffer.isBuffer(key) || !Buffer.isBuffer(value)) return undefined;
  cache.length -= 2;
  return [key.subarray(prefixBytes), value];
}
