import type { BytesRange, BytesWrite } from './bytes-store.js';
import { rangeIndexes } from './byte-order.js';
import { SortedKeyIndex } from './sorted-key-index.js';

/**
 * The uncommitted writes of one store: the last write per serialized key (`value: null` = delete),
 * keyed by the key's latin1 string (`toBinaryString`), which callers compute once per operation and
 * pass as `k` — the same string keys the store's read cache. Each write is a fresh immutable `BytesWrite`, so after a flush
 * the buffer can drop exactly the entries that were flushed and keep any rewritten meanwhile.
 */
export class WriteBuffer {
  private readonly entries = new Map<string, BytesWrite>();
  private readonly index = new SortedKeyIndex();
  /** Keys whose buffered write is the only trace of them: the inner store has no value for them. */
  private readonly absentBelow = new Set<string>();

  get size(): number {
    return this.entries.size;
  }

  /** `innerAbsent`: the caller knows the inner store holds no value for `key`. */
  set(k: string, key: Buffer, value: Buffer | null, innerAbsent = false): void {
    if (!this.entries.has(k)) this.index.noteAdded(k);
    this.entries.set(k, { key, value });
    if (innerAbsent) this.absentBelow.add(k);
    else this.absentBelow.delete(k);
  }

  /** True when the key's buffered write is all there is of it: the inner store has no value. */
  isAbsentBelow(k: string): boolean {
    return this.absentBelow.has(k);
  }

  /** Forgets the buffered write of a key the inner store does not hold, as if it had never been written. */
  discard(k: string): void {
    if (!this.entries.delete(k)) return;
    this.absentBelow.delete(k);
    this.index.noteRemoved();
  }

  /** The buffered write for the key: `undefined` if none, a write with `value: null` if deleted. */
  get(k: string): BytesWrite | undefined {
    return this.entries.get(k);
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
      // Flushed, the key is in the inner store now, even if it was rewritten in the meantime.
      this.absentBelow.delete(k);
      if (this.entries.get(k) === write) this.entries.delete(k);
    }
    if (this.entries.size === 0) this.index.clear();
    else this.index.noteRemoved();
  }

  clear(): void {
    this.entries.clear();
    this.absentBelow.clear();
    this.index.clear();
  }
}
