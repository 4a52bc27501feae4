import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RocksDbBytesStore } from '../../../src/state/rocksdb/rocksdb-bytes-store.js';
import { openDatabaseCount } from '../../../src/state/rocksdb/shared-database.js';
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

  describe('in a database shared with other stores', () => {
    describeBytesStoreBehaviour(async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cdc-streams-rocksdb-shared-'));
      const database = join(dir, '0_1', '_rocksdb');
      // Neighbours on both sides of the store's keyspace, with data and metadata of their own.
      const neighbours = [new RocksDbBytesStore('a', join(dir, '0_1', 'a'), { database: { path: database, keyspace: 'a' } })];
      neighbours.push(new RocksDbBytesStore('zz', join(dir, '0_1', 'zz'), { database: { path: database, keyspace: 'zz' } }));
      for (const neighbour of neighbours) {
        await neighbour.open();
        await neighbour.write(
          [
            { key: Buffer.alloc(0), value: Buffer.from('n') },
            { key: Buffer.from([0xff, 0xff]), value: Buffer.from('n') },
          ],
          new Map([['changelog-offset', Buffer.from('9')]]),
        );
      }
      return {
        create: async () => {
          const store = new RocksDbBytesStore('rocksdb-test', join(dir, '0_1', 'rocksdb-test'), { database: { path: database, keyspace: 'rocksdb-test' } });
          await store.open();
          return store;
        },
        cleanup: async () => {
          for (const neighbour of neighbours) await neighbour.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    });

    it('keeps each store to its keyspace: the same keys hold separate values, and destroy removes only its own', () =>
      withTempDir(async (dir) => {
        const database = join(dir, '_rocksdb');
        const before = openDatabaseCount();
        const orders = new RocksDbBytesStore('orders', join(dir, 'orders'), { database: { path: database, keyspace: 'orders' } });
        const timers = new RocksDbBytesStore('timers', join(dir, 'timers'), { database: { path: database, keyspace: 'timers' } });
        await orders.open();
        await timers.open();
        expect(openDatabaseCount()).toBe(before + 1);
        await orders.write([{ key: Buffer.from('k'), value: Buffer.from('order') }], new Map([['changelog-offset', Buffer.from('3')]]));
        await timers.write([{ key: Buffer.from('k'), value: Buffer.from('timer') }]);
        expect((await orders.get(Buffer.from('k')))?.toString()).toBe('order');
        expect((await timers.get(Buffer.from('k')))?.toString()).toBe('timer');
        expect((await collect(timers.iterate({}))).map(([k, v]) => `${k.toString()}=${v.toString()}`)).toEqual(['k=timer']);
        expect(await timers.getMetadata('changelog-offset')).toBeUndefined();
        await timers.destroy();
        expect((await orders.get(Buffer.from('k')))?.toString()).toBe('order');
        const again = new RocksDbBytesStore('timers', join(dir, 'timers'), { database: { path: database, keyspace: 'timers' } });
        await again.open();
        expect(await collect(again.iterate({}))).toEqual([]);
        await again.close();
        await orders.close();
        expect(openDatabaseCount()).toBe(before);
      }));

    it('refuses a second open of a keyspace already open, naming the database', () =>
      withTempDir(async (dir) => {
        const database = join(dir, '_rocksdb');
        const first = new RocksDbBytesStore('orders', join(dir, 'orders'), { database: { path: database, keyspace: 'orders' } });
        await first.open();
        const second = new RocksDbBytesStore('orders', join(dir, 'orders'), { database: { path: database, keyspace: 'orders' } });
        await expect(second.open()).rejects.toThrow(new RegExp(`cannot open store 'orders' at ${database}`));
        await first.close();
      }));

    it('closes the database with its last store, and a store opened again finds its data and metadata', () =>
      withTempDir(async (dir) => {
        const database = join(dir, '_rocksdb');
        const before = openDatabaseCount();
        const open = async (name: string) => {
          const store = new RocksDbBytesStore(name, join(dir, name), { database: { path: database, keyspace: name } });
          await store.open();
          return store;
        };
        const first = await open('orders');
        const second = await open('held');
        await first.write([{ key: Buffer.from('a'), value: Buffer.from('1') }], new Map([['changelog-offset', Buffer.from('17')]]));
        await first.close();
        // The other store keeps the database open and usable.
        await second.write([{ key: Buffer.from('b'), value: Buffer.from('2') }]);
        await second.close();
        expect(openDatabaseCount()).toBe(before);
        const reopened = await open('orders');
        expect((await reopened.get(Buffer.from('a')))?.toString()).toBe('1');
        expect((await reopened.getMetadata('changelog-offset'))?.toString()).toBe('17');
        await reopened.close();
      }));
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
