import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSerde } from '../../src/serde/bytes-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import type { BytesStore } from '../../src/state/bytes-store.js';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { RocksDbBytesStore } from '../../src/state/rocksdb/rocksdb-bytes-store.js';
import { SegmentedWindowStore, type WindowStoreOptions } from '../../src/state/segmented-window-store.js';
import { changelogOffsetMetadata } from '../../src/state/store-metadata.js';
import { collect, withTempDir } from './store-test-helpers.js';

const MINUTE = 60_000;
const options: WindowStoreOptions<string, string> = {
  keySerde: stringSerde,
  valueSerde: stringSerde,
  windowSizeMs: MINUTE,
  retentionMs: 3 * MINUTE,
  segmentIntervalMs: MINUTE,
};

async function windowStoreOver(inner: BytesStore, opts: WindowStoreOptions<string, string> = options) {
  await inner.open();
  const kv = new CachingKeyValueStore(inner, { keySerde: bytesSerde, valueSerde: bytesSerde });
  return { kv, windows: await new SegmentedWindowStore(kv, opts).init() };
}

const starts = (entries: ReadonlyArray<{ windowStart: number; value: string }>) => entries.map((e) => `${e.windowStart}=${e.value}`);

for (const [kind, withStore] of [
  ['in memory', (run: (inner: BytesStore) => Promise<void>) => run(new InMemoryBytesStore('per-minute'))],
  ['RocksDB', (run: (inner: BytesStore) => Promise<void>) => withTempDir((dir) => run(new RocksDbBytesStore('per-minute', join(dir, 'per-minute'))))],
] as const) {
  describe(`SegmentedWindowStore (${kind})`, () => {
    it('fetches one key’s windows with starts in [from, to], in start order, from the buffer and from disk alike', () =>
      withStore(async (inner) => {
        const { kv, windows } = await windowStoreOver(inner);
        windows.put('sku-1', 0, 'a');
        windows.put('sku-1', MINUTE, 'b');
        await kv.flush(changelogOffsetMetadata('1'));
        windows.put('sku-1', 2 * MINUTE, 'c');
        windows.put('sku-10', MINUTE, 'other key');
        windows.put('sku-', MINUTE, 'prefix key');
        expect(starts(await collect(windows.fetch('sku-1', 0, 2 * MINUTE)))).toEqual([`0=a`, `${MINUTE}=b`, `${2 * MINUTE}=c`]);
        expect(starts(await collect(windows.fetch('sku-1', 1, 2 * MINUTE - 1)))).toEqual([`${MINUTE}=b`]);
        expect(await windows.get('sku-1', MINUTE)).toBe('b');
        expect(await windows.get('sku-1', MINUTE + 1)).toBeUndefined();
        await kv.close();
      }));

    it('returns every key’s windows from fetchAll with their [start, end) windows', () =>
      withStore(async (inner) => {
        const { kv, windows } = await windowStoreOver(inner);
        windows.put('b', MINUTE, '2');
        windows.put('a', 0, '1');
        windows.put('a', 2 * MINUTE, '3');
        const all = (await collect(windows.fetchAll(0, MINUTE))).map((e) => `${e.key.key}@${e.key.window.start}-${e.key.window.end}=${e.value}`);
        expect(all).toEqual([`a@0-${MINUTE}=1`, `b@${MINUTE}-${2 * MINUTE}=2`]);
        expect((await collect(windows.all())).length).toBe(3);
        await kv.close();
      }));

    it('deletes a window when put with undefined', () =>
      withStore(async (inner) => {
        const { kv, windows } = await windowStoreOver(inner);
        windows.put('a', 0, '1');
        windows.put('a', 0, undefined);
        expect(await windows.get('a', 0)).toBeUndefined();
        await kv.close();
      }));

    it('ignores writes to expired windows, hides them from reads, and deletes segments once all their windows expired', () =>
      withStore(async (inner) => {
        const { kv, windows } = await windowStoreOver(inner);
        windows.put('a', 0, 'old');
        windows.put('a', MINUTE, 'kept');
        await kv.flush(changelogOffsetMetadata('1'));
        // Stream time 4 min - 1 ms: windows starting before 1 min are expired (retention 3 min), so all of segment 0.
        expect(windows.put('b', 4 * MINUTE - 1, 'new')).toBe(true);
        expect(windows.put('a', 0, 'too late')).toBe(false);
        expect(windows.expiredWrites).toBe(1);
        expect(await windows.get('a', 0)).toBeUndefined();
        expect(starts(await collect(windows.fetch('a', 0, 4 * MINUTE)))).toEqual([`${MINUTE}=kept`]);
        await kv.flush(changelogOffsetMetadata('2'));
        const stored = (await collect(inner.iterate({}))).map(([key]) => key.toString('hex'));
        // Segment 0 was deleted; the side entry, segment 1 and segment 3 remain.
        expect(stored.filter((k) => k.startsWith('01'))).toHaveLength(2);
        expect(windows.observedStreamTime()).toBe(4 * MINUTE - 1);
        await kv.close();
      }));
  });
}

describe('SegmentedWindowStore restore', () => {
  it('rebuilds windows and stream time from its changelog records alone', async () => {
    const first = await windowStoreOver(new InMemoryBytesStore('per-minute'));
    first.windows.put('a', 0, '1');
    first.windows.put('a', 2 * MINUTE, '3');
    first.windows.put('b', MINUTE, '2');
    const changelog = first.kv.pendingWrites();
    const second = await windowStoreOver(new InMemoryBytesStore('per-minute'));
    await second.kv.restore(changelog, String(changelog.length));
    const restored = await new SegmentedWindowStore(second.kv, options).init();
    expect(restored.observedStreamTime()).toBe(2 * MINUTE);
    expect((await collect(restored.all())).map((e) => `${e.key.key}@${e.key.window.start}=${e.value}`).sort()).toEqual([
      'a@0=1',
      `a@${2 * MINUTE}=3`,
      `b@${MINUTE}=2`,
    ]);
    // Expiry continues from the restored stream time: start 0 is not expired yet, start -1 min is.
    expect(restored.put('c', -MINUTE, 'x')).toBe(false);
    expect(restored.put('c', 0, 'x')).toBe(true);
  });

  it('with stream time advanced by its operator, keeps windows written ahead of it and expires by the advanced time only', async () => {
    const { kv, windows } = await windowStoreOver(new InMemoryBytesStore('per-minute'), { ...options, streamTime: 'advanced' });
    windows.put('a', 0, 'first');
    windows.put('a', 10 * MINUTE, 'far ahead');
    expect(windows.observedStreamTime()).toBe(Number.NEGATIVE_INFINITY);
    expect(windows.put('a', MINUTE, 'still writable')).toBe(true);
    windows.advanceStreamTime(3 * MINUTE);
    expect(starts(await collect(windows.fetch('a', 0, 20 * MINUTE)))).toEqual([`${MINUTE}=still writable`, `${10 * MINUTE}=far ahead`]);
    const restored = await new SegmentedWindowStore(kv, { ...options, streamTime: 'advanced' }).init();
    expect(restored.observedStreamTime()).toBe(3 * MINUTE);
    expect((await collect(restored.all())).length).toBe(2);
  });

  it('refuses a retention shorter than the window size, naming the store', async () => {
    const { kv } = await windowStoreOver(new InMemoryBytesStore('per-minute'));
    expect(() => new SegmentedWindowStore(kv, { ...options, retentionMs: MINUTE - 1 })).toThrow(/per-minute.*retention/);
  });
});
