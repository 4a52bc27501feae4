/** One write of a batch: `value: null` deletes the key. */
export interface BytesWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

export interface BytesRange {
  /** inclusive */
  readonly gte?: Buffer;
  /** exclusive */
  readonly lt?: Buffer;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/**
 * The innermost layer of a store stack: bytes only, no serdes, no caching, no changelog.
 * Implemented by RocksDB (`state/rocksdb/`) and in memory. Besides user data a store keeps a few
 * metadata entries (e.g. the changelog offset it has applied) that are written in the same atomic
 * batch as the data, so data and checkpoint can never disagree after a crash.
 */
export interface BytesStore {
  readonly name: string;
  open(): Promise<void>;
  get(key: Buffer): Promise<Buffer | undefined>;
  getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>>;
  /**
   * Applies all writes and metadata atomically (one RocksDB write batch), in order: a later write to
   * the same key wins. A batch with an entry that is not a Buffer is rejected whole.
   */
  write(writes: readonly BytesWrite[], metadata?: ReadonlyMap<string, Buffer>): Promise<void>;
  getMetadata(name: string): Promise<Buffer | undefined>;
  /**
   * Entries in byte order of their keys (reverse if asked), never metadata. Finish or `return()`
   * every scan; `close()` ends scans left open, whose next `next()` then throws `StoreClosedError`.
   */
  iterate(range: BytesRange): AsyncIterableIterator<[Buffer, Buffer]>;
  approximateCount(): Promise<number>;
  /** Bytes the store takes (on disk and in its write buffers), an estimate; for operators. */
  approximateSizeBytes(): Promise<number>;
  close(): Promise<void>;
  /** Closes the store if open and deletes everything it holds on disk (used before a full restore). */
  destroy(): Promise<void>;
}
