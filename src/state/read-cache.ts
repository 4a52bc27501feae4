/**
 * Recently read or flushed values of one store, by serialized key (latin1 string), bounded in bytes and
 * evicted least recently used first. `null` remembers that a key is absent. It saves the RocksDB round
 * trip (a trip through libuv's thread pool) for keys a processor reads again soon — an order's next
 * event, a shard's bookkeeping row. The write buffer stays in front of it, so reads always see writes.
 */
export class ReadCache {
  private readonly entries = new Map<string, Buffer | null>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  /** The cached value (`null`: known absent), or `undefined` when not cached. */
  get(key: string): Buffer | null | undefined {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Like `get`, without counting a hit or a miss or touching its recency. */
  peek(key: string): Buffer | null | undefined {
    return this.entries.get(key);
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  set(key: string, value: Buffer | null): void {
    if (this.maxBytes <= 0) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.bytes -= sizeOf(key, previous);
      this.entries.delete(key);
    }
    const owned = value === null ? null : ownMemory(value);
    this.entries.set(key, owned);
    this.bytes += sizeOf(key, owned);
    while (this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.bytes -= sizeOf(oldest.value, this.entries.get(oldest.value)!);
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }
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
