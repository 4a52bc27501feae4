import { describe, expect, it } from 'vitest';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { applyChangelogBatch, readChangelogOffset } from '../../src/state/store-restore.js';

describe('store restore', () => {
  it('applies changelog records, tombstones included, and records where to resume', async () => {
    const store = new InMemoryBytesStore('orders');
    await store.open();
    expect(await readChangelogOffset(store)).toBeUndefined();
    await applyChangelogBatch(store, [{ key: Buffer.from('a'), value: Buffer.from('1') }, { key: Buffer.from('b'), value: Buffer.from('2') }], '2');
    await applyChangelogBatch(store, [{ key: Buffer.from('a'), value: null }], '3');
    expect(await store.get(Buffer.from('a'))).toBeUndefined();
    expect((await store.get(Buffer.from('b')))?.toString()).toBe('2');
    expect(await readChangelogOffset(store)).toBe('3');
  });
});
