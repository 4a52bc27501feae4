import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BytesStore, BytesWrite } from '../../src/state/bytes-store.js';
import { prefixRange } from '../../src/state/byte-order.js';
import { StoreClosedError } from '../../src/state/store-errors.js';
import { InvalidWriteError } from '../../src/state/write-validation.js';
import { bytes, collect, hex } from './store-test-helpers.js';

/** What the behaviour suite needs from a concrete store besides the interface. */
export type TrackedBytesStore = BytesStore & { openScanCount(): number };

export interface BytesStoreHarness {
  /** A fresh, opened store. */
  create(): Promise<TrackedBytesStore>;
  cleanup(): Promise<void>;
}

// Keys chosen to catch ordering bugs: 0x00 and 0xFF bytes, keys that are prefixes of each other,
// and the empty key.
const TRICKY_KEYS = ['', '00', '0000', '00ff', '01', '61', '6100', '6162', '616200', '61ff', '62', 'ff', 'ff00', 'ffff'];

function put(keyHex: string, value = `v-${keyHex}`): BytesWrite {
  return { key: bytes(keyHex), value: Buffer.from(value) };
}

function del(keyHex: string): BytesWrite {
  return { key: bytes(keyHex), value: null };
}

async function keysOf(iterator: AsyncIterable<[Buffer, Buffer]>): Promise<string[]> {
  return (await collect(iterator)).map(([key]) => hex(key));
}

function byteSorted(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(bytes(a), bytes(b)));
}

export function describeBytesStoreBehaviour(makeHarness: () => Promise<BytesStoreHarness>): void {
  let harness: BytesStoreHarness;
  let store: TrackedBytesStore;

  beforeEach(async () => {
    harness = await makeHarness();
    store = await harness.create();
    // Written in an order far from sorted, so ordering cannot come from insertion order.
    await store.write([...TRICKY_KEYS].reverse().map((k) => put(k)));
  });

  afterEach(async () => {
    await store.close();
    await harness.cleanup();
  });

  describe('scans', () => {
    it('return every key in byte order, 0x00/0xFF bytes and mutual prefixes included', async () => {
      expect(await keysOf(store.iterate({}))).toEqual(byteSorted(TRICKY_KEYS));
    });

    it('honour gte inclusive and lt exclusive', async () => {
      expect(await keysOf(store.iterate({ gte: bytes('00ff'), lt: bytes('6162') }))).toEqual(['00ff', '01', '61', '6100']);
    });

    it('run in reverse byte order and stop at the limit', async () => {
      expect(await keysOf(store.iterate({ reverse: true, limit: 4 }))).toEqual(['ffff', 'ff00', 'ff', '62']);
      expect(await keysOf(store.iterate({ gte: bytes('61'), lt: bytes('62'), reverse: true }))).toEqual(['61ff', '616200', '6162', '6100', '61']);
    });

    it('by prefix return exactly the keys starting with it, also for a prefix ending in 0xFF', async () => {
      expect(await keysOf(store.iterate(prefixRange(bytes('61'))))).toEqual(['61', '6100', '6162', '616200', '61ff']);
      expect(await keysOf(store.iterate(prefixRange(bytes('00'))))).toEqual(['00', '0000', '00ff']);
      expect(await keysOf(store.iterate(prefixRange(bytes('ff'))))).toEqual(['ff', 'ff00', 'ffff']);
      expect(await keysOf(store.iterate(prefixRange(bytes('6162'))))).toEqual(['6162', '616200']);
    });

    it('return the values written with each key', async () => {
      const entries = await collect(store.iterate({ gte: bytes('6162'), lt: bytes('61ff') }));
      expect(entries.map(([key, value]) => [hex(key), value.toString()])).toEqual([
        ['6162', 'v-6162'],
        ['616200', 'v-616200'],
      ]);
    });
  });

  describe('reads and deletes', () => {
    it('get returns the last value written and undefined for a missing key', async () => {
      await store.write([put('61', 'second')]);
      expect((await store.get(bytes('61')))?.toString()).toBe('second');
      expect((await store.get(bytes('')))?.toString()).toBe('v-');
      expect(await store.get(bytes('6163'))).toBeUndefined();
    });

    it('getMany answers in the order asked, undefined where missing', async () => {
      const values = await store.getMany([bytes('ff'), bytes('7777'), bytes('00')]);
      expect(values.map((v) => v?.toString())).toEqual(['v-ff', undefined, 'v-00']);
    });

    it('a delete removes the key from gets and scans', async () => {
      await store.write([del('6100'), del('ff')]);
      expect(await store.get(bytes('6100'))).toBeUndefined();
      expect(await keysOf(store.iterate({}))).toEqual(byteSorted(TRICKY_KEYS.filter((k) => k !== '6100' && k !== 'ff')));
    });

    it('applies the writes of one batch in order, so put then delete of a key deletes it', async () => {
      await store.write([put('70'), del('70'), del('71'), put('71', 'kept')]);
      expect(await store.get(bytes('70'))).toBeUndefined();
      expect((await store.get(bytes('71')))?.toString()).toBe('kept');
    });
  });

  describe('size', () => {
    it('grows by at least the bytes of a large value written (memtable included for RocksDB)', async () => {
      const before = await store.approximateSizeBytes();
      await store.write([{ key: bytes('abcd'), value: Buffer.alloc(256 * 1024, 7) }]);
      expect((await store.approximateSizeBytes()) - before).toBeGreaterThanOrEqual(256 * 1024);
    });
  });

  describe('metadata', () => {
    it('is written with the data and never shows up in scans', async () => {
      const before = await keysOf(store.iterate({}));
      await store.write([put('63')], new Map([['changelog-offset', Buffer.from('42')]]));
      expect((await store.getMetadata('changelog-offset'))?.toString()).toBe('42');
      expect(await keysOf(store.iterate({}))).toEqual(byteSorted([...before, '63']));
      expect(await store.getMetadata('unknown')).toBeUndefined();
    });

    it('is not mistaken for data with the same name, nor data for metadata', async () => {
      await store.write([put(hex(Buffer.from('m')), 'data')], new Map([['m', Buffer.from('meta')]]));
      expect((await store.get(Buffer.from('m')))?.toString()).toBe('data');
      expect((await store.getMetadata('m'))?.toString()).toBe('meta');
    });

    it('a batch with an invalid entry applies neither its data nor its metadata', async () => {
      const bad = { key: bytes('64'), value: 'not bytes' } as unknown as BytesWrite;
      await expect(store.write([put('63'), bad], new Map([['changelog-offset', Buffer.from('7')]]))).rejects.toBeInstanceOf(InvalidWriteError);
      expect(await store.get(bytes('63'))).toBeUndefined();
      expect(await store.getMetadata('changelog-offset')).toBeUndefined();
    });
  });

  describe('iterators', () => {
    it('are released when exhausted and when left by break', async () => {
      await collect(store.iterate({}));
      for await (const _entry of store.iterate({})) break;
      expect(store.openScanCount()).toBe(0);
    });

    it('left open when the store closes do not block the close, and then fail with StoreClosedError', async () => {
      const scan = store.iterate({});
      const first = await scan.next();
      expect(first.done).toBe(false);
      expect(store.openScanCount()).toBe(1);
      await store.close();
      expect(store.openScanCount()).toBe(0);
      await expect(scan.next()).rejects.toBeInstanceOf(StoreClosedError);
    });

    it('a next() still running when the store closes settles, and close still succeeds', async () => {
      const scan = store.iterate({});
      const pending = scan.next().then(
        (result) => ({ ok: true as const, done: result.done }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      await store.close();
      const outcome = await pending;
      if (!outcome.ok) expect(outcome.error).toBeInstanceOf(StoreClosedError);
      expect(store.openScanCount()).toBe(0);
      await expect(scan.next()).rejects.toBeInstanceOf(StoreClosedError);
    });

    it('a scan opened and never advanced is also ended by close', async () => {
      store.iterate({ gte: bytes('61') });
      await store.close();
      expect(store.openScanCount()).toBe(0);
    });
  });

  describe('lifecycle', () => {
    it('refuses reads, writes and scans after close with StoreClosedError', async () => {
      await store.close();
      await expect(store.get(bytes('61'))).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.write([put('61')])).rejects.toBeInstanceOf(StoreClosedError);
      expect(() => store.iterate({})).toThrow(StoreClosedError);
    });
  });
}
