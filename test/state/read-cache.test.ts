import { describe, expect, it } from 'vitest';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { ReadCache } from '../../src/state/read-cache.js';
import { stringSerde } from '../../src/serde/string-serde.js';

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
