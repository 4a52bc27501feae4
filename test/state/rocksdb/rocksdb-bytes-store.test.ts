import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RocksDbBytesStore } from '../../../src/state/rocksdb/rocksdb-bytes-store.js';
import { StoreClosedError, StoreOpenError } from '../../../src/state/store-errors.js';
import { describeBytesStoreBehaviour } from '../bytes-store-suite.js';
import { collect, withTempDir } from '../store-test-helpers.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

describe('RocksDbBytesStore', () => {
  describeBytesStoreBehaviour(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cdc-streams-rocksdb-'));
    return {
      create: async () => {
        const store = new RocksDbBytesStore('rocksdb-test', join(dir, '0_1', 'rocksdb-test'));
        await store.open();
        return store;
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  });

  it('keeps data and metadata across close and reopen on the same directory', () =>
    withTempDir(async (dir) => {
      const first = new RocksDbBytesStore('orders', join(dir, 'orders'));
      await first.open();
      await first.write(
        [
          { key: Buffer.from('a'), value: Buffer.from('1') },
          { key: Buffer.from('b'), value: Buffer.from('2') },
        ],
        new Map([['changelog-offset', Buffer.from('17')]]),
      );
      await first.write([{ key: Buffer.from('a'), value: null }]);
      await first.close();

      const second = new RocksDbBytesStore('orders', join(dir, 'orders'));
      await second.open();
      expect((await collect(second.iterate({}))).map(([k, v]) => `${k.toString()}=${v.toString()}`)).toEqual(['b=2']);
      expect((await second.getMetadata('changelog-offset'))?.toString()).toBe('17');
      await second.close();
    }));

  it('can be closed and opened again as the same instance', () =>
    withTempDir(async (dir) => {
      const store = new RocksDbBytesStore('orders', join(dir, 'orders'));
      await store.open();
      await store.write([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
      await store.close();
      await expect(store.get(Buffer.from('k'))).rejects.toBeInstanceOf(StoreClosedError);
      await store.open();
      expect((await store.get(Buffer.from('k')))?.toString()).toBe('v');
      await store.close();
    }));

  it('destroy closes the database and removes its directory', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'task', 'orders');
      const store = new RocksDbBytesStore('orders', path);
      await store.open();
      await store.write([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
      const scan = store.iterate({});
      await store.destroy();
      expect(await exists(path)).toBe(false);
      await expect(scan.next()).rejects.toBeInstanceOf(StoreClosedError);
    }));

  it('fails to open with a StoreOpenError naming the path when the directory is a file', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'not-a-dir');
      await writeFile(path, 'x');
      const store = new RocksDbBytesStore('orders', path);
      const failure = store.open();
      await expect(failure).rejects.toBeInstanceOf(StoreOpenError);
      await expect(failure).rejects.toThrow(path);
      await expect(store.get(Buffer.from('k'))).rejects.toBeInstanceOf(StoreClosedError);
    }));

  it('refuses a second open of a directory already held, naming the path', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'orders');
      const first = new RocksDbBytesStore('orders', path);
      await first.open();
      const second = new RocksDbBytesStore('orders', path);
      await expect(second.open()).rejects.toThrow(new RegExp(`cannot open store 'orders' at ${path}`));
      await first.close();
    }));
});
