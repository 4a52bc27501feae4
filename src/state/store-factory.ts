import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../common/errors.js';
import type { Serde } from '../serde/serde.js';
import type { BytesStore } from './bytes-store.js';
import { CachingKeyValueStore } from './caching-key-value-store.js';
import { InMemoryBytesStore } from './in-memory-bytes-store.js';
import { RocksDbBytesStore, type RocksDbStoreOptions } from './rocksdb/rocksdb-bytes-store.js';

export type StoreKind = 'rocksdb' | 'in-memory';

export interface OpenStoreOptions<K, V> {
  readonly name: string;
  readonly kind: StoreKind;
  /**
   * `storeDirectory(stateDir, taskId, name)`; required for `rocksdb`. The stores of one directory
   * (a task's) share one RocksDB database in `<that directory>/_rocksdb`, each under a keyspace named
   * after the last component.
   */
  readonly dir?: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly maxBufferedEntries?: number;
  /** Bytes of the read cache (default 2 MiB); 0 for a store written below the caching layer (global stores). */
  readonly readCacheBytes?: number;
  readonly rocksDb?: RocksDbStoreOptions;
}

// Store names become directory names and changelog topic names: keep them to a portable alphabet.
const STORE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `<stateDir>/<taskId>/<storeName>`: where a store of a task lives. RocksDB stores do not get that
 * directory: a task's stores share the database `<stateDir>/<taskId>/_rocksdb` (taskDatabasePath),
 * each in its own keyspace, so a process holds one set of memtables and block cache per task, not per
 * store (docs/state.md, "Memory").
 */
export function storeDirectory(stateDir: string, taskId: string, storeName: string): string {
  assertName('task id', taskId);
  assertName('store name', storeName);
  return join(stateDir, taskId, storeName);
}

/** Opens the bytes store of the requested kind and wraps it in the typed caching layer. */
export async function openStore<K, V>(options: OpenStoreOptions<K, V>): Promise<CachingKeyValueStore<K, V>> {
  assertName('store name', options.name);
  const bytes = createBytesStore(options);
  await bytes.open();
  return new CachingKeyValueStore(bytes, {
    keySerde: options.keySerde,
    valueSerde: options.valueSerde,
    ...(options.maxBufferedEntries === undefined ? {} : { maxBufferedEntries: options.maxBufferedEntries }),
    ...(options.readCacheBytes === undefined ? {} : { readCacheBytes: options.readCacheBytes }),
  });
}

function createBytesStore<K, V>(options: OpenStoreOptions<K, V>): BytesStore {
  switch (options.kind) {
    case 'in-memory':
      return new InMemoryBytesStore(options.name);
    case 'rocksdb':
      if (options.dir === undefined || options.dir === '') {
        throw new ConfigError(`store '${options.name}': a rocksdb store needs a directory`);
      }
      return new RocksDbBytesStore(options.name, options.dir, {
        ...options.rocksDb,
        database: { path: taskDatabasePath(options.dir), keyspace: basename(options.dir) },
      });
  }
}

/** The RocksDB database the stores in `storeDir`'s parent (a task's directory) share. */
export function taskDatabasePath(storeDir: string): string {
  // Store names start with a letter or digit, so no store's directory can be called this.
  return join(dirname(storeDir), '_rocksdb');
}

function assertName(what: string, name: string): void {
  if (!STORE_NAME.test(name)) {
    throw new ConfigError(`${what} '${name}' must start with a letter or digit and use only letters, digits, '.', '_' and '-'`);
  }
}
