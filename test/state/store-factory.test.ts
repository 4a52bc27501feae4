import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors.js';
import { InMemoryBytesStore } from '../../src/state/in-memory-bytes-store.js';
import { RocksDbBytesStore } from '../../src/state/rocksdb/rocksdb-bytes-store.js';
import { openDatabaseCount } from '../../src/state/rocksdb/shared-database.js';
import { openStore, storeDirectory, taskDatabasePath } from '../../src/state/store-factory.js';
import { utf8Serde, withTempDir } from './store-test-helpers.js';

describe('storeDirectory', () => {
  it('places each store under <stateDir>/<taskId>/<storeName>', () => {
    expect(storeDirectory('/var/state/app', '0_3', 'orders')).toBe(join('/var/state/app', '0_3', 'orders'));
  });

  it('rejects names that could escape the state directory', () => {
    expect(() => storeDirectory('/s', '0_1', '../etc')).toThrow(ConfigError);
    expect(() => storeDirectory('/s', '..', 'orders')).toThrow(ConfigError);
  });
});

describe('openStore', () => {
  it("opens a RocksDB store in its task's database, ready for reads and writes", () =>
    withTempDir(async (stateDir) => {
      const dir = storeDirectory(stateDir, '0_1', 'orders');
      const store = await openStore({ name: 'orders', kind: 'rocksdb', dir, keySerde: utf8Serde, valueSerde: utf8Serde });
      expect(store.inner).toBeInstanceOf(RocksDbBytesStore);
      store.put('k', 'v');
      await store.flush();
      expect(await store.get('k')).toBe('v');
      expect(taskDatabasePath(dir)).toBe(join(stateDir, '0_1', '_rocksdb'));
      expect((await stat(taskDatabasePath(dir))).isDirectory()).toBe(true);
      await store.close();
    }));

  it("puts the stores of one task into one database and another task's into another", () =>
    withTempDir(async (stateDir) => {
      const open = (taskId: string, name: string) =>
        openStore({ name, kind: 'rocksdb', dir: storeDirectory(stateDir, taskId, name), keySerde: utf8Serde, valueSerde: utf8Serde });
      const before = openDatabaseCount();
      const stores = [await open('1_0', 'orders'), await open('1_0', 'held'), await open('1_1', 'orders')];
      expect(openDatabaseCount()).toBe(before + 2);
      stores[0]!.put('k', 'task 1_0 orders');
      stores[1]!.put('k', 'task 1_0 held');
      stores[2]!.put('k', 'task 1_1 orders');
      for (const store of stores) await store.flush();
      expect(await Promise.all(stores.map((store) => store.get('k')))).toEqual(['task 1_0 orders', 'task 1_0 held', 'task 1_1 orders']);
      for (const store of stores) await store.close();
      expect(openDatabaseCount()).toBe(before);
    }));

  it('opens an in-memory store without a directory', async () => {
    const store = await openStore({ name: 'orders', kind: 'in-memory', keySerde: utf8Serde, valueSerde: utf8Serde });
    expect(store.inner).toBeInstanceOf(InMemoryBytesStore);
    await store.close();
  });

  it('refuses a RocksDB store without a directory', async () => {
    await expect(openStore({ name: 'orders', kind: 'rocksdb', keySerde: utf8Serde, valueSerde: utf8Serde })).rejects.toBeInstanceOf(ConfigError);
  });
});
