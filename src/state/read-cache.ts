/**
 * Recently read or flushed values of one store, by serialized key (latin1 string), bounded in bytes and
 * evicted least recently used first. `null` remembers that a key is absent. It saves the RocksDB round
 * trip (a trip through libuv's thread pool) for keys a processor reads again soon — an order's next
 * event, a shard's bookkeeping row. The write buffer stays in front of it, so reads always see writes.
 */
export class ReadCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** Least recently used first; `newest` is where a read or a write moves its entry. */
  private oldest: CacheEntry | undefined;
  private newest: CacheEntry | undefined;
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  /** The cached value (`null`: known absent), or `undefined` when not cached. */
  get(key: string): Buffer | null | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.moveToNewest(entry);
    return entry.value;
  }

  /** Like `get`, without counting a hit or a miss or touching its recency. */
  peek(key: string): Buffer | null | undefined {
    return this.entries.get(key)?.value;
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  set(key: string, value: Buffer | null): void {
    if (this.maxBytes <= 0) return;
    const owned = value === null ? null : ownMemory(value);
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.bytes += sizeOf(key, owned) - sizeOf(key, entry.value);
      entry.value = owned;
      this.moveToNewest(entry);
    } else {
      const added: CacheEntry = { key, value: owned, older: this.newest, newer: undefined };
      if (this.newest !== undefined) this.newest.newer = added;
      else this.oldest = added;
      this.newest = added;
      this.entries.set(key, added);
      this.bytes += sizeOf(key, owned);
    }
    // Evicting from the list's end, never by iterating the Map: a Map used as an LRU keeps the
    // deleted entries' slots at its front until it rehashes, and every eviction walked over them.
    while (this.bytes > this.maxBytes) {
      const evicted = this.oldest;
      if (evicted === undefined) break;
      this.unlink(evicted);
      this.entries.delete(evicted.key);
      this.bytes -= sizeOf(evicted.key, evicted.value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.oldest = undefined;
    this.newest = undefined;
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private moveToNewest(entry: CacheEntry): void {
    if (entry === this.newest) return;
    this.unlink(entry);
    entry.older = this.newest;
    if (this.newest !== undefined) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: CacheEntry): void {
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}

interface CacheEntry {
  readonly key: string;
  value: Buffer | null;
  older: CacheEntry | undefined;
  newer: CacheEntry | undefined;
}

/**
 * The value in memory of its own. A small Buffer is usually a slice of an 8 KiB pool slab that Node
 * shares between allocations (Buffer.from, allocUnsafe), and one cached slice keeps its whole slab
 * alive: a cache of small values spread over time held far more memory than it counted.
 */
function ownMemory(value: Buffer): Buffer {
  if (value.byteLength === value.buffer.byteLength) return value;
  const own = Buffer.allocUnsafeSlow(value.byteLength);
  value.copy(own);
  return own;
}

function sizeOf(key: string, value: Buffer | null): number {
  return key.length + (value?.length ?? 0) + 48;
}
