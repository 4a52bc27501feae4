import type { KeyValue, KeyValueStore, NotCached, RangeOptions } from '../../src/state/key-value-store.js';

/**
 * A Map-based KeyValueStore for unit tests: keys ordered by the byte order of `serialize(key)`, as the
 * real stores order them. Writes apply at once (no write buffer to flush); scans iterate a snapshot
 * taken when they start, so deleting during a scan is safe here — code under test must not rely on it.
 */
export class FakeKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly entries = new Map<string, { key: K; value: V }>();

  constructor(
    readonly name: string,
    private readonly serialize: (key: K) => Buffer,
  ) {}

  async get(key: K): Promise<V | undefined> {
    return this.entries.get(this.id(key))?.value;
  }

  getIfCached(key: K): V | undefined | NotCached {
    // Everything is in memory here.
    return this.entries.get(this.id(key))?.value;
  }

  async prefetch(keys: readonly K[]): Promise<void> {
    // Everything is in memory already; serializing still rejects keys the real store would reject.
    for (const key of keys) this.id(key);
  }

  put(key: K, value: V): void {
    this.entries.set(this.id(key), { key, value });
  }

  async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    const existing = this.entries.get(this.id(key));
    if (existing !== undefined) return existing.value;
    this.entries.set(this.id(key), { key, value });
    return undefined;
  }

  delete(key: K): void {
    this.entries.delete(this.id(key));
  }

  range(options: RangeOptions<K> = {}): AsyncIterableIterator<KeyValue<K, V>> {
    const from = options.from === undefined ? undefined : this.id(options.from);
    const to = options.to === undefined ? undefined : this.id(options.to);
    const ids = [...this.entries.keys()].filter((id) => (from === undefined || id >= from) && (to === undefined || id < to)).sort();
    if (options.reverse === true) ids.reverse();
    return this.iterate(options.limit === undefined ? ids : ids.slice(0, options.limit));
  }

  prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>> {
    const start = this.id(prefix);
    return this.iterate([...this.entries.keys()].filter((id) => id.startsWith(start)).sort());
  }

  all(): AsyncIterableIterator<KeyValue<K, V>> {
    return this.iterate([...this.entries.keys()].sort());
  }

  async approximateNumEntries(): Promise<number> {
    return this.entries.size;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A copy with the same entries now: what a store flushed at this moment would hold on disk later. */
  copy(): FakeKeyValueStore<K, V> {
    const copy = new FakeKeyValueStore<K, V>(this.name, this.serialize);
    for (const [id, entry] of this.entries) copy.entries.set(id, entry);
    return copy;
  }

  private async *iterate(ids: readonly string[]): AsyncIterableIterator<KeyValue<K, V>> {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry !== undefined) yield { key: entry.key, value: entry.value };
    }
  }

  // latin1 maps each byte to one code unit, so string order is byte order.
  private id(key: K): string {
    return this.serialize(key).toString('latin1');
  }
}

export function bufferKeyStore<V>(name: string): FakeKeyValueStore<Buffer, V> {
  return new FakeKeyValueStore<Buffer, V>(name, (key) => key);
}

export function stringKeyStore<V>(name: string): FakeKeyValueStore<string, V> {
  return new FakeKeyValueStore<string, V>(name, (key) => Buffer.from(key, 'utf8'));
}
