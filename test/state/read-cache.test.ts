import { describe, expect, it } from 'vitest';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { ReadCache } from '../../src/state/read-cache.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { Prng } from '../../src/sim/prng.js';

/** An in-memory bytes store that counts the point reads reaching it. */
class CountingStore extends InMemoryBytesStore {
  reads = 0;
  override async get(key: Buffer): Promise<Buffer | undefined> {
    this.reads++;
    return super.get(key);
  }
}

async function storeOver(inner: CountingStore, readCacheBytes?: number) {
  await inner.open();
  return new CachingKeyValueStore(inner, { keySerde: stringSerde, valueSerde: stringSerde, ...(readCacheBytes === undefined ? {} : { readCacheBytes }) });
}

describe('ReadCache', () => {
  it('evicts the least recently used entries once over its byte budget', () => {
    const cache = new ReadCache(3 * (1 + 10 + 48));
    for (const k of ['a', 'b', 'c']) cache.set(k, Buffer.alloc(10));
    cache.get('a');
    cache.set('d', Buffer.alloc(10));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('d')).toBeDefined();
  });

  it('keeps the same entries as a plain least-recently-used list over a long random mix of reads and writes', () => {
    const entryBytes = (key: string, value: Buffer | null): number => key.length + (value?.length ?? 0) + 48;
    const budget = 20 * entryBytes('k00', Buffer.alloc(8));
    const cache = new ReadCache(budget);
    // The reference: least recently used first, evicted from the front while over the budget.
    let model: Array<{ key: string; value: Buffer | null }> = [];
    const random = new Prng(11);
    for (let step = 0; step < 5_000; step++) {
      const key = `k${String(random.int(0, 40)).padStart(2, '0')}`;
      if (random.chance(0.5)) {
        const value = random.chance(0.2) ? null : Buffer.alloc(random.int(0, 16), step % 256);
        cache.set(key, value);
        model = model.filter((e) => e.key !== key);
        model.push({ key, value });
        let bytes = model.reduce((sum, e) => sum + entryBytes(e.key, e.value), 0);
        while (bytes > budget && model.length > 0) bytes -= entryBytes(model[0]!.key, model.shift()!.value);
      } else {
        const found = model.find((e) => e.key === key);
        const cached = cache.get(key);
        expect(cached === undefined ? undefined : cached === null ? null : cached.toString('hex')).toEqual(
          found === undefined ? undefined : found.value === null ? null : found.value.toString('hex'),
        );
        if (found !== undefined) model = [...model.filter((e) => e !== found), found];
      }
      expect(cache.size).toBe(model.length);
    }
  });

  it('keeps a small value in memory of its own, so a cached slice does not keep its whole pool slab alive', () => {
    const cache = new ReadCache(1024);
    const slab = Buffer.alloc(8192, 7);
    const slice = slab.subarray(100, 116);
    cache.set('k', slice);
    const cached = cache.get('k')!;
    expect(cached.equals(slice)).toBe(true);
    expect(cached.buffer).not.toBe(slab.buffer);
    expect(cached.buffer.byteLength).toBe(16);
    const whole = Buffer.alloc(16);
    cache.set('w', whole);
    expect(cache.get('w')).toBe(whole);
  });
});

describe('CachingKeyValueStore read cache', () => {
  it('serves a key read before, and a key known to be absent, without reading the bytes store again', async () => {
    const inner = new CountingStore('s');
    await inner.open();
    await inner.write([{ key: Buffer.from('k1'), value: Buffer.from('v1') }]);
    const store = await storeOver(inner);
    expect(await store.get('k1')).toBe('v1');
    expect(await store.get('missing')).toBeUndefined();
    const reads = inner.reads;
    expect(await store.get('k1')).toBe('v1');
    expect(await store.get('missing')).toBeUndefined();
    expect(inner.reads).toBe(reads);
  });

  it('keeps flushed writes and deletes readable without a bytes-store read, and shows restored values', async () => {
    const inner = new CountingStore('s');
    const store = await storeOver(inner);
    store.put('a', '1');
    store.put('b', '2');
    await store.get('b');
    store.delete('b');
    await store.flush();
    const reads = inner.reads;
    expect(await store.get('a')).toBe('1');
    expect(await store.get('b')).toBeUndefined();
    expect(inner.reads).toBe(reads);
    await store.restore([{ key: Buffer.from('a'), value: Buffer.from('restored') }], '7');
    expect(await store.get('a')).toBe('restored');
  });

  it('reads the bytes store every time when the cache is off', async () => {
    const inner = new CountingStore('s');
    const store = await storeOver(inner, 0);
    await store.get('x');
    await store.get('x');
    expect(inner.reads).toBe(2);
  });
});
