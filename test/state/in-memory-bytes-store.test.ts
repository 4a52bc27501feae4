import { describe, expect, it } from 'vitest';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { describeBytesStoreBehaviour } from './bytes-store-suite.js';
import { collect, seededRandom } from './store-test-helpers.js';

describe('InMemoryBytesStore', () => {
  describeBytesStoreBehaviour(async () => ({
    create: async () => {
      const store = new InMemoryBytesStore('memory-test');
      await store.open();
      return store;
    },
    cleanup: async () => undefined,
  }));

  it('copies written values, so a caller reusing its buffer cannot change stored data', async () => {
    const store = new InMemoryBytesStore('copy-test');
    await store.open();
    const value = Buffer.from('before');
    await store.write([{ key: Buffer.from('k'), value }]);
    value.write('after!');
    expect((await store.get(Buffer.from('k')))?.toString()).toBe('before');
  });

  it('keeps scans in byte order across interleaved puts, deletes and scans', async () => {
    const seed = 20240611;
    console.log(`in-memory interleaving seed ${seed}`);
    const random = seededRandom(seed);
    const store = new InMemoryBytesStore('interleave-test');
    await store.open();
    const model = new Map<string, string>();
    for (let round = 0; round < 50; round++) {
      const writes = Array.from({ length: 40 }, () => {
        const key = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * 4) * 85));
        const deleting = random() < 0.3;
        if (deleting) model.delete(key.toString('hex'));
        else model.set(key.toString('hex'), `r${round}`);
        return { key, value: deleting ? null : Buffer.from(`r${round}`) };
      });
      await store.write(writes);
      const scanned = (await collect(store.iterate({}))).map(([k, v]) => [k.toString('hex'), v.toString()]);
      const expected = [...model].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')));
      expect(scanned).toEqual(expected);
    }
    expect(await store.approximateCount()).toBe(model.size);
  });
});
