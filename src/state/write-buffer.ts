import type { BytesRange, BytesWrite } from './bytes-store.js';
import { rangeIndexes, toBinaryString } from './byte-order.js';
import { SortedKeyIndex } from './sorted-key-index.js';

/**
 * The uncommitted writes of one store: the last write per serialized key (`value: null` = delete),
 * keyed by the key's latin1 string. Each write is a fresh immutable `BytesWrite`, so after a flush
 * the buffer can drop exactly the entries that were flushed and keep any rewritten meanwhile.
 */
export class WriteBuffer {
  private readonly entries = new Map<string, BytesWrite>();
  private readonly index = new SortedKeyIndex();

  get size(): number {
    return this.entries.size;
  }

  set(key: Buffer, value: Buffer | null): void {
    const k = toBinaryString(key);
    if (!this.entries.has(k)) this.index.noteAdded(k);
    this.entries.set(k, { key, value });
  }

  /** The buffered write for `key`: `undefined` if none, a write with `value: null` if deleted. */
  get(key: Buffer): BytesWrite | undefined {
    return this.entries.get(toBinaryString(key));
  }

  /** Buffered writes (deletes included) inside `range`, in scan order; a snapshot, safe to hold. */
  inRange(range: BytesRange): BytesWrite[] {
    if (this.entries.size === 0) return [];
    const keys = this.index.sorted((k) => this.entries.has(k));
    const { start, end } = rangeIndexes(keys, range);
    const out = new Array<BytesWrite>(end - start);
    for (let i = start; i < end; i++) out[i - start] = this.entries.get(keys[i] as string) as BytesWrite;
    if (range.reverse === true) out.reverse();
    return out;
  }

  /** Every buffered write, one per key. */
  writes(): BytesWrite[] {
    return [...this.entries.values()];
  }

  snapshot(): Array<[string, BytesWrite]> {
    return [...this.entries];
  }

  /** Drops the flushed entries that were not overwritten since the snapshot was taken. */
  removeFlushed(flushed: ReadonlyArray<[string, BytesWrite]>): void {
    for (const [k, write] of flushed) {
      if (this.entries.get(k) === write) this.entries.delete(k);
    }
    if (this.entries.size === 0) this.index.clear();
    else this.index.noteRemoved();
  }

  clear(): void {
    this.entries.clear();
    this.index.clear();
  }
}
