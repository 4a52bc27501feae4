import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Serde } from '../../src/serde/serde.js';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { RocksDbBytesStore } from '../../src/state/rocksdb/rocksdb-bytes-store.js';
import { NOT_CACHED } from '../../src/state/key-value-store.js';
import { StoreClosedError, StoreSerdeError, StoreStateError } from '../../src/state/store-errors.js';
import { CHANGELOG_OFFSET_KEY, changelogOffsetMetadata } from '../../src/state/store-metadata.js';
import type { TrackedBytesStore } from './bytes-store-suite.js';
import { collect, seededRandom, utf8Serde, withTempDir } from './store-test-helpers.js';

type Entry = [string, string];

async function entries(iterator: AsyncIterable<{ key: string; value: string }>): Promise<Entry[]> {
  return (await collect(iterator)).map(({ key, value }) => [key, value]);
}

function cachingOver(inner: TrackedBytesStore, maxBufferedEntries?: number): CachingKeyValueStore<string, string> {
  return new CachingKeyValueStore(inner, {
    keySerde: utf8Serde,
    valueSerde: utf8Serde,
    ...(maxBufferedEntries === undefined ? {} : { maxBufferedEntries }),
  });
}

describe('CachingKeyValueStore', () => {
  let inner: InMemoryBytesStore;
  let store: CachingKeyValueStore<string, string>;

  beforeEach(async () => {
    inner = new InMemoryBytesStore('orders');
    await inner.open();
    // "On disk": a, c, e.
    await inner.write(['a', 'c', 'e'].map((k) => ({ key: Buffer.from(k), value: Buffer.from(`disk-${k}`) })));
    store = cachingOver(inner);
  });

  afterEach(async () => {
    await store.close();
  });

  it('reads its own buffered writes before any flush', async () => {
    store.put('b', 'new-b');
    store.put('a', 'new-a');
    expect(await store.get('b')).toBe('new-b');
    expect(await store.get('a')).toBe('new-a');
    expect(await store.get('c')).toBe('disk-c');
    expect(await inner.get(Buffer.from('b'))).toBeUndefined();
  });

  it('a buffered delete hides the stored value from gets and scans', async () => {
    store.delete('c');
    expect(await store.get('c')).toBeUndefined();
    expect(await entries(store.all())).toEqual([
      ['a', 'disk-a'],
      ['e', 'disk-e'],
    ]);
  });

  it('merges buffer and stored entries in byte order, buffered values winning', async () => {
    store.put('d', 'new-d');
    store.put('b', 'new-b');
    store.put('e', 'new-e');
    store.delete('c');
    store.delete('zz');
    expect(await entries(store.all())).toEqual([
      ['a', 'disk-a'],
      ['b', 'new-b'],
      ['d', 'new-d'],
      ['e', 'new-e'],
    ]);
    expect(await entries(store.range({ reverse: true, limit: 3 }))).toEqual([
      ['e', 'new-e'],
      ['d', 'new-d'],
      ['b', 'new-b'],
    ]);
    expect(await entries(store.range({ from: 'b', to: 'e' }))).toEqual([
      ['b', 'new-b'],
      ['d', 'new-d'],
    ]);
  });

  it('a limit counts merged entries, not stored ones hidden by buffered deletes', async () => {
    store.delete('a');
    store.delete('c');
    expect(await entries(store.range({ limit: 1 }))).toEqual([['e', 'disk-e']]);
  });

  it('prefix scans see buffered and stored keys sharing the prefix, and nothing past it', async () => {
    await inner.write([{ key: Buffer.from('order:1'), value: Buffer.from('disk') }, { key: Buffer.from('order;'), value: Buffer.from('x') }]);
    store.put('order:2', 'buffered');
    store.put('order', 'not-prefixed-by-colon');
    expect(await entries(store.prefixScan('order:'))).toEqual([
      ['order:1', 'disk'],
      ['order:2', 'buffered'],
    ]);
  });

  it('a scan shows the writes made before it opened, not those made while it runs', async () => {
    store.put('b', 'new-b');
    const seen: Entry[] = [];
    for await (const { key, value } of store.all()) {
      seen.push([key, value]);
      store.put('bb', 'during');
      store.delete('e');
    }
    expect(seen.map(([k]) => k)).toEqual(['a', 'b', 'c', 'e']);
    expect(await store.get('bb')).toBe('during');
  });

  it('ends the inner scan when the caller breaks out', async () => {
    store.put('b', 'new-b');
    for await (const _entry of store.all()) break;
    expect(inner.openScanCount()).toBe(0);
  });

  it('putIfAbsent writes only when no value exists and returns the existing one', async () => {
    expect(await store.putIfAbsent('a', 'x')).toBe('disk-a');
    expect(await store.putIfAbsent('q', 'x')).toBeUndefined();
    store.delete('c');
    expect(await store.putIfAbsent('c', 'revived')).toBeUndefined();
    expect(await store.get('a')).toBe('disk-a');
    expect(await store.get('q')).toBe('x');
    expect(await store.get('c')).toBe('revived');
  });

  it('pendingWrites holds the last write per key, deletes as null', () => {
    store.put('k', '1');
    store.put('k', '2');
    store.put('j', '1');
    store.delete('j');
    const pending = store.pendingWrites().map(({ key, value }) => [key.toString(), value?.toString() ?? null]);
    expect(pending).toEqual([
      ['k', '2'],
      ['j', null],
    ]);
    expect(store.bufferedCount()).toBe(2);
  });

  it('flush persists the buffer with its metadata and empties it', async () => {
    store.put('b', 'new-b');
    store.delete('a');
    await store.flush(changelogOffsetMetadata('101'));
    expect(store.bufferedCount()).toBe(0);
    expect(store.pendingWrites()).toEqual([]);
    expect((await inner.get(Buffer.from('b')))?.toString()).toBe('new-b');
    expect(await inner.get(Buffer.from('a'))).toBeUndefined();
    expect((await inner.getMetadata(CHANGELOG_OFFSET_KEY))?.toString()).toBe('101');
    expect(await store.changelogOffset()).toBe('101');
    expect(await entries(store.all())).toEqual([
      ['b', 'new-b'],
      ['c', 'disk-c'],
      ['e', 'disk-e'],
    ]);
  });

  it('keeps a write made during a flush buffered for the next flush', async () => {
    store.put('b', 'first');
    const flushing = store.flush();
    store.put('b', 'second');
    await flushing;
    expect(store.pendingWrites().map(({ value }) => value?.toString())).toEqual(['second']);
    expect(await store.get('b')).toBe('second');
  });

  it('prefetch reads the missing keys in one getMany, after which gets never reach the inner store', async () => {
    const singleGets: string[] = [];
    const manyGets: string[][] = [];
    const get = inner.get.bind(inner);
    const getMany = inner.getMany.bind(inner);
    inner.get = (key) => {
      singleGets.push(key.toString());
      return get(key);
    };
    inner.getMany = (keys) => {
      manyGets.push(keys.map((k) => k.toString()));
      return getMany(keys);
    };
    store.put('b', 'buffered-b');
    await store.prefetch(['a', 'b', 'x', 'a', 'c']);
    expect(manyGets).toEqual([['a', 'x', 'c']]);
    expect([await store.get('a'), await store.get('b'), await store.get('x'), await store.get('c')]).toEqual(['disk-a', 'buffered-b', undefined, 'disk-c']);
    expect(singleGets).toEqual([]);
    await store.prefetch(['a', 'x']);
    expect(manyGets).toHaveLength(1);
  });

  it('getIfCached answers from the buffer and what prefetch read, as get would, and NOT_CACHED for keys never read', async () => {
    store.put('b', 'buffered-b');
    store.delete('e');
    expect(store.getIfCached('a')).toBe(NOT_CACHED);
    expect(store.getIfCached('x')).toBe(NOT_CACHED);
    await store.prefetch(['a', 'x']);
    const fromMemory = ['a', 'b', 'x', 'e'].map((k) => store.getIfCached(k));
    const fromGet = [await store.get('a'), await store.get('b'), await store.get('x'), await store.get('e')];
    expect(fromMemory).toEqual(['disk-a', 'buffered-b', undefined, undefined]);
    expect(fromMemory).toEqual(fromGet);
    expect(store.getIfCached('c')).toBe(NOT_CACHED);
  });

  it('a string key read then written is serialized once; an object key is serialized at every use, so mutating it is safe', async () => {
    let stringSerializations = 0;
    const countingStrings = new CachingKeyValueStore<string, string>(inner, {
      keySerde: { name: 'counting', serialize: (k) => (stringSerializations++, Buffer.from(k)), deserialize: (d) => d.toString() },
      valueSerde: utf8Serde,
    });
    const key = ['k', 'e', 'y'].join('');
    await countingStrings.get(key);
    countingStrings.put(key, 'v1');
    countingStrings.put('key', 'v2');
    expect(stringSerializations).toBe(1);
    countingStrings.put('other', 'v3');
    expect(stringSerializations).toBe(2);
    expect(countingStrings.pendingWrites().map((w) => `${w.key.toString()}=${w.value?.toString()}`)).toEqual(['key=v2', 'other=v3']);

    const objects = new CachingKeyValueStore<{ id: string }, string>(inner, {
      keySerde: { name: 'object', serialize: (k) => Buffer.from(k.id), deserialize: (d) => ({ id: d.toString() }) },
      valueSerde: utf8Serde,
    });
    const mutable = { id: 'm1' };
    objects.put(mutable, 'first');
    mutable.id = 'm2';
    objects.put(mutable, 'second');
    expect(objects.pendingWrites().map((w) => `${w.key.toString()}=${w.value?.toString()}`)).toEqual(['m1=first', 'm2=second']);
  });

  it('the key memo tells 0 from -0, which a number serde may write differently', () => {
    const numbers = new CachingKeyValueStore<number, string>(inner, {
      keySerde: { name: 'float64', serialize: (k) => { const b = Buffer.alloc(8); b.writeDoubleBE(k); return b; }, deserialize: (d) => d.readDoubleBE(0) },
      valueSerde: utf8Serde,
    });
    numbers.put(0, 'zero');
    numbers.put(-0, 'minus zero');
    expect(numbers.pendingWrites().map((w) => w.value?.toString())).toEqual(['zero', 'minus zero']);
  });

  it('a write made while a prefetch is in flight wins over what the prefetch read', async () => {
    const prefetching = store.prefetch(['a']);
    store.put('a', 'newer');
    await prefetching;
    await store.flush();
    expect(await store.get('a')).toBe('newer');
  });

  it('a prefetch that overlapped a flush does not cache the value the flush replaced', async () => {
    store.put('c', 'flushed-c');
    const getMany = inner.getMany.bind(inner);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    inner.getMany = async (keys) => {
      const values = await getMany(keys);
      await gate;
      return values;
    };
    // The prefetch of 'e' reads before the flush; 'c' is buffered so it is not read at all. Make the
    // stale read concern a key the flush writes: delete 'e' in the buffer after the read started.
    const prefetching = store.prefetch(['e']);
    store.delete('e');
    await store.flush();
    release();
    await prefetching;
    expect(await store.get('e')).toBeUndefined();
    expect(await store.get('c')).toBe('flushed-c');
  });

  it('a key read as absent, then written and deleted before the commit, leaves no tombstone on disk or in the changelog', async () => {
    expect(await store.get('x')).toBeUndefined();
    await store.prefetch(['y']);
    store.put('x', 'short-lived');
    store.put('y', 'short-lived');
    store.put('y', 'rewritten');
    store.delete('x');
    store.delete('y');
    expect(store.pendingWrites()).toEqual([]);
    expect(await entries(store.all())).toEqual([
      ['a', 'disk-a'],
      ['c', 'disk-c'],
      ['e', 'disk-e'],
    ]);
  });

  it('deleting a key the store holds, or may hold, always writes a tombstone', async () => {
    expect(await store.get('a')).toBe('disk-a');
    store.put('a', 'rewritten');
    store.delete('a');
    store.put('never-read', 'v');
    store.delete('never-read');
    expect(store.pendingWrites().map(({ key, value }) => [key.toString(), value])).toEqual([
      ['a', null],
      ['never-read', null],
    ]);
  });

  it('a key written while absent and flushed is deleted with a tombstone afterwards', async () => {
    expect(await store.get('x')).toBeUndefined();
    store.put('x', 'v');
    await store.flush();
    store.delete('x');
    expect(store.pendingWrites().map(({ key, value }) => [key.toString(), value])).toEqual([['x', null]]);
    await store.flush();
    expect(await inner.get(Buffer.from('x'))).toBeUndefined();
  });

  it('a key rewritten during the flush that stores it is deleted with a tombstone', async () => {
    expect(await store.get('x')).toBeUndefined();
    store.put('x', 'first');
    const flushing = store.flush();
    store.put('x', 'second');
    await flushing;
    store.delete('x');
    await store.flush();
    expect(await inner.get(Buffer.from('x'))).toBeUndefined();
    expect(await store.get('x')).toBeUndefined();
  });

  it('needsFlush turns true when the buffer reaches its limit', () => {
    const small = cachingOver(inner, 2);
    small.put('x', '1');
    small.put('x', '2');
    expect(small.needsFlush()).toBe(false);
    small.delete('y');
    expect(small.needsFlush()).toBe(true);
  });

  it('restore applies changelog records and the offset in one batch', async () => {
    await store.restore(
      [
        { key: Buffer.from('a'), value: null },
        { key: Buffer.from('r'), value: Buffer.from('restored') },
      ],
      '55',
    );
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('r')).toBe('restored');
    expect(await store.changelogOffset()).toBe('55');
  });

  it('refuses to restore while writes are buffered', async () => {
    store.put('b', 'x');
    await expect(store.restore([], '1')).rejects.toBeInstanceOf(StoreStateError);
  });

  it('close discards unflushed writes and then refuses use', async () => {
    const other = new InMemoryBytesStore('other');
    await other.open();
    const closing = cachingOver(other);
    closing.put('b', 'x');
    await closing.close();
    expect(() => closing.put('b', 'y')).toThrow(StoreClosedError);
    await expect(closing.get('b')).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('a value its serde cannot read fails with an error naming the store and key', async () => {
    const failing: Serde<string> = {
      name: 'failing',
      serialize: (value) => Buffer.from(value),
      deserialize: () => {
        throw new Error('bad bytes');
      },
    };
    const typed = new CachingKeyValueStore(inner, { keySerde: utf8Serde, valueSerde: failing });
    const failure = typed.get('a');
    await expect(failure).rejects.toBeInstanceOf(StoreSerdeError);
    await expect(failure).rejects.toThrow(/store 'orders'.*key 0x61.*bad bytes/);
  });
});

describe('CachingKeyValueStore over RocksDB matches a model under random operations', () => {
  it('gets and scans agree with a sorted map through puts, deletes, flushes and reopen', () =>
    withTempDir(async (dir) => {
      const seed = 7331;
      console.log(`caching-store model seed ${seed}`);
      const random = seededRandom(seed);
      const path = join(dir, '0_0', 'model');
      let inner = new RocksDbBytesStore('model', path);
      await inner.open();
      let store = cachingOver(inner, 50);
      const model = new Map<string, string>();
      const keyAlphabet = ['\u0000', 'a', 'ab', 'b', '\u00ff', 'z'];
      const randomKey = (): string => Array.from({ length: 1 + Math.floor(random() * 3) }, () => keyAlphabet[Math.floor(random() * keyAlphabet.length)]).join('');
      const sortedModel = (): Entry[] =>
        [...model].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

      for (let step = 0; step < 600; step++) {
        const roll = random();
        const key = randomKey();
        if (roll < 0.5) {
          store.put(key, `s${step}`);
          model.set(key, `s${step}`);
        } else if (roll < 0.7) {
          store.delete(key);
          model.delete(key);
        } else if (roll < 0.8) {
          expect(await store.get(key)).toBe(model.get(key));
        } else if (roll < 0.9) {
          if (store.needsFlush() || random() < 0.3) await store.flush(changelogOffsetMetadata(String(step)));
        } else if (roll < 0.98) {
          expect(await entries(store.all())).toEqual(sortedModel());
          expect(await entries(store.range({ reverse: true, limit: 5 }))).toEqual(sortedModel().reverse().slice(0, 5));
        } else {
          await store.flush();
          await store.close();
          inner = new RocksDbBytesStore('model', path);
          await inner.open();
          store = cachingOver(inner, 50);
        }
      }
      expect(await entries(store.all())).toEqual(sortedModel());
      await store.close();
    }));
});
