import type { BytesRange, BytesStore, BytesWrite } from './bytes-store.js';
import { fromBinaryString, rangeIndexes, toBinaryString } from './byte-order.js';
import { SortedKeyIndex } from './sorted-key-index.js';
import { StoreClosedError } from './store-errors.js';
import { validateWrites } from './write-validation.js';

/**
 * A `BytesStore` in process memory, for tests and for stores declared `in-memory`. Nothing survives
 * `close()`.
 *
 * Gets hit a Map keyed by the key's latin1 string. Scans need byte order, which the Map lacks, so a
 * `SortedKeyIndex` beside it is brought up to date lazily, only when a scan follows writes: a
 * million puts followed by a scan cost one sort, never a quadratic series of inserts.
 *
 * A scan reads values live, so a write made while a scan is open may or may not be seen by it
 * (RocksDB scans read a snapshot). The caching layer writes here only at flush, so it never notices.
 */
export class InMemoryBytesStore implements BytesStore {
  private readonly entries = new Map<string, Buffer>();
  private readonly metadata = new Map<string, Buffer>();
  private readonly index = new SortedKeyIndex();
  private isOpen = false;
  private readonly scans = new Set<InMemoryScan>();

  constructor(readonly name: string) {}

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    this.assertOpen('get');
    return this.entries.get(toBinaryString(key));
  }

  async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    this.assertOpen('getMany');
    return keys.map((key) => this.entries.get(toBinaryString(key)));
  }

  async write(writes: readonly BytesWrite[], metadata?: ReadonlyMap<string, Buffer>): Promise<void> {
    this.assertOpen('write');
    // Once the batch is validated nothing below can fail half-way: as atomic as RocksDB's batch.
    validateWrites(this.name, writes, metadata);
    for (const { key, value } of writes) {
      const k = toBinaryString(key);
      if (value === null) {
        if (this.entries.delete(k)) this.index.noteRemoved();
      } else {
        // Copied so a caller reusing its buffer cannot change what the store holds.
        if (!this.entries.has(k)) this.index.noteAdded(k);
        this.entries.set(k, Buffer.from(value));
      }
    }
    if (metadata !== undefined) {
      for (const [name, value] of metadata) this.metadata.set(name, Buffer.from(value));
    }
  }

  async getMetadata(name: string): Promise<Buffer | undefined> {
    this.assertOpen('getMetadata');
    return this.metadata.get(name);
  }

  iterate(range: BytesRange): AsyncIterableIterator<[Buffer, Buffer]> {
    this.assertOpen('iterate');
    const keys = this.index.sorted((k) => this.entries.has(k));
    const { start, end } = rangeIndexes(keys, range);
    const scan = new InMemoryScan(this, keys, start, end, range.reverse ?? false, range.limit ?? -1);
    this.scans.add(scan);
    return scan;
  }

  async approximateCount(): Promise<number> {
    this.assertOpen('approximateCount');
    return this.entries.size;
  }

  async approximateSizeBytes(): Promise<number> {
    this.assertOpen('approximateSizeBytes');
    // Keys are held as binary strings: one byte per character.
    let bytes = 0;
    for (const [key, value] of this.entries) bytes += key.length + value.length;
    return bytes;
  }

  openScanCount(): number {
    return this.scans.size;
  }

  async close(): Promise<void> {
    for (const scan of this.scans) scan.closeForStore();
    this.scans.clear();
    this.isOpen = false;
    this.entries.clear();
    this.metadata.clear();
    this.index.clear();
  }

  async destroy(): Promise<void> {
    await this.close();
  }

  /** @internal for InMemoryScan */
  liveValue(key: string): Buffer | undefined {
    return this.entries.get(key);
  }

  /** @internal for InMemoryScan */
  scanEnded(scan: InMemoryScan): void {
    this.scans.delete(scan);
  }

  /** @internal */
  assertOpen(operation: string): void {
    if (!this.isOpen) throw new StoreClosedError(this.name, operation);
  }
}

class InMemoryScan implements AsyncIterableIterator<[Buffer, Buffer]> {
  private next_: number;
  private remaining: number;
  private done = false;
  private closedByStore = false;

  constructor(
    private readonly store: InMemoryBytesStore,
    private readonly keys: readonly string[],
    private readonly start: number,
    private readonly end: number,
    private readonly reverse: boolean,
    limit: number,
  ) {
    this.next_ = reverse ? end - 1 : start;
    this.remaining = limit < 0 ? Infinity : limit;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<[Buffer, Buffer]>> {
    if (this.closedByStore) throw new StoreClosedError(this.store.name, 'continue a scan');
    while (!this.done && this.remaining > 0 && this.next_ >= this.start && this.next_ < this.end) {
      const key = this.keys[this.next_] as string;
      this.next_ += this.reverse ? -1 : 1;
      const value = this.store.liveValue(key);
      // Deleted after this scan began.
      if (value === undefined) continue;
      this.remaining--;
      return { done: false, value: [fromBinaryString(key), value] };
    }
    this.finish();
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<[Buffer, Buffer]>> {
    this.finish();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<[Buffer, Buffer]>> {
    this.finish();
    throw error;
  }

  closeForStore(): void {
    this.closedByStore = true;
    this.done = true;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.store.scanEnded(this);
  }
}
