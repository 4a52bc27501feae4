import { mkdir } from 'node:fs/promises';
import RocksDB from 'rocksdb';
import { ConfigError } from '../../common/errors.js';
import { callbackToPromise } from './rocksdb-callbacks.js';
import { trackDatabase } from './rocksdb-memory.js';

/** What one RocksDB database may use, and how it writes. */
export interface RocksDbDatabaseOptions {
  /** Bytes of memtable before a flush to an SST file (RocksDB keeps up to two). */
  readonly writeBufferSize: number;
  /** Block cache bytes. */
  readonly cacheSize: number;
  readonly compression: boolean;
  readonly maxOpenFiles: number;
}

/** Per-database memory, for every database opened from now on in this process (docs/state.md, "Memory"). */
export interface RocksDbMemoryOptions {
  /** Memtable size before a flush; RocksDB keeps up to two per database. Default 4 MiB. */
  readonly writeBufferBytes?: number;
  /** Block cache per database. Default 4 MiB. */
  readonly blockCacheBytes?: number;
}

const MIB = 1024 * 1024;
let memory = { writeBufferBytes: 4 * MIB, blockCacheBytes: 4 * MIB };

/**
 * Sets the memory of each RocksDB database opened afterwards (a task's stores share one). The
 * binding gives every database its own memtables and block cache, so a process holds at most about
 * databases × (2 × writeBufferBytes + blockCacheBytes) in RocksDB.
 */
export function configureRocksDbMemory(options: RocksDbMemoryOptions): void {
  const next = { ...memory };
  if (options.writeBufferBytes !== undefined) next.writeBufferBytes = checkBytes('writeBufferBytes', options.writeBufferBytes, 64 * 1024);
  if (options.blockCacheBytes !== undefined) next.blockCacheBytes = checkBytes('blockCacheBytes', options.blockCacheBytes, 0);
  memory = next;
}

/** The per-database memory in force now. */
export function rocksDbMemoryOptions(): Readonly<Required<RocksDbMemoryOptions>> {
  return memory;
}

function checkBytes(name: string, value: number, min: number): number {
  // The binding reads both as unsigned 32-bit integers.
  if (!Number.isSafeInteger(value) || value < min || value > 0xffff_ffff) {
    throw new ConfigError(`RocksDB ${name} must be a whole number of bytes from ${min} to 4 GiB, got ${value}`);
  }
  return value;
}

interface Entry {
  readonly opening: Promise<RocksDB.RocksDb>;
  /** Keyspaces of the stores using it: a keyspace is opened by one store at a time, as a database of its own is. */
  readonly keyspaces: Set<string>;
}

const databases = new Map<string, Entry>();
/** Databases being closed: a new open of the same path waits, or RocksDB's lock would refuse it. */
const closing = new Map<string, Promise<void>>();

/** A database shared by the stores of one task; `release()` once per `acquireDatabase`. */
export interface SharedDatabase {
  readonly db: RocksDB.RocksDb;
  release(): Promise<void>;
}

/**
 * Opens the database at `path` for the store of `keyspace`, or joins it if this process has it open
 * already; the last release closes it. The first opener's options apply. A keyspace already open
 * is refused, as RocksDB's lock refuses a second open of a database. A failed open rejects every
 * joiner and leaves nothing registered (the binding must not be touched again for it).
 */
export async function acquireDatabase(path: string, keyspace: string, options: RocksDbDatabaseOptions): Promise<SharedDatabase> {
  for (let pending = closing.get(path); pending !== undefined; pending = closing.get(path)) await pending.catch(() => undefined);
  let entry = databases.get(path);
  if (entry === undefined) {
    const created: Entry = { opening: openDatabase(path, options), keyspaces: new Set() };
    databases.set(path, created);
    created.opening.catch(() => {
      if (databases.get(path) === created) databases.delete(path);
    });
    entry = created;
  }
  if (entry.keyspaces.has(keyspace)) throw new Error(`keyspace '${keyspace}' of ${path} is already open in this process`);
  entry.keyspaces.add(keyspace);
  let db: RocksDB.RocksDb;
  try {
    db = await entry.opening;
  } catch (error) {
    entry.keyspaces.delete(keyspace);
    throw error;
  }
  const joined = entry;
  let released = false;
  return {
    db,
    release: async () => {
      if (released) return;
      released = true;
      joined.keyspaces.delete(keyspace);
      if (joined.keyspaces.size > 0) return;
      if (databases.get(path) === joined) databases.delete(path);
      trackDatabase(db, false);
      const closed = callbackToPromise((done) => db.close(done));
      closing.set(path, closed);
      try {
        await closed;
      } finally {
        if (closing.get(path) === closed) closing.delete(path);
      }
    },
  };
}

/** Databases this process has open (for tests). */
export function openDatabaseCount(): number {
  return databases.size;
}

async function openDatabase(path: string, options: RocksDbDatabaseOptions): Promise<RocksDB.RocksDb> {
  // RocksDB creates only the last path component; the task's directory may not exist yet.
  await mkdir(path, { recursive: true });
  const db = RocksDB(path);
  await callbackToPromise((done) =>
    db.open(
      {
        createIfMissing: true,
        errorIfExists: false,
        compression: options.compression,
        writeBufferSize: options.writeBufferSize,
        cacheSize: options.cacheSize,
        maxOpenFiles: options.maxOpenFiles,
        infoLogLevel: 'error',
      },
      done,
    ),
  );
  trackDatabase(db, true);
  return db;
}
