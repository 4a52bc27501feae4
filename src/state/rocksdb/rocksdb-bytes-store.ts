import { mkdir, rm } from 'node:fs/promises';
import RocksDB from 'rocksdb';
import type { BytesRange, BytesStore, BytesWrite } from '../bytes-store.js';
import { StoreClosedError, StoreIoError, StoreOpenError } from '../store-errors.js';
import { validateWrites } from '../write-validation.js';
import { callbackToPromise, callbackToValue, isNotFound } from './rocksdb-callbacks.js';
import { ConfigError } from '../../common/errors.js';
import { trackDatabase } from './rocksdb-memory.js';
import { acquireDatabase, rocksDbMemoryOptions, type SharedDatabase } from './shared-database.js';
import { RocksDbScan } from './rocksdb-scan.js';

export interface RocksDbStoreOptions {
  /** Bytes of memtable before a flush to an SST file. Default: configureRocksDbMemory's (4 MiB). */
  readonly writeBufferSize?: number;
  /** Block cache bytes. Default: configureRocksDbMemory's (4 MiB). */
  readonly cacheSize?: number;
  /** Snappy compression of SST blocks. Default true. */
  readonly compression?: boolean;
  readonly maxOpenFiles?: number;
  /**
   * fsync every write batch. Default false: the changelog topic is the durable copy, and the WAL
   * still survives a process crash; only an OS crash can lose the last batches, which restore redoes.
   */
  readonly sync?: boolean;
  /**
   * Keep the store in a database shared with others (a task's stores: docs/state.md) under its own
   * keyspace, instead of a database of its own at `dir`. The database's options are its first
   * opener's; `destroy()` then deletes the keyspace, not a directory.
   */
  readonly database?: { readonly path: string; readonly keyspace: string };
}

type State = 'created' | 'opening' | 'open' | 'closing' | 'closed' | 'failed';

// Data and metadata share one keyspace, split by a byte: metadata sorts before all data, so a scan
// bounded to the data prefix can never see it. A store with a database of its own uses the whole
// database (keys 0x00 + metadata name, 0x01 + key); a store in a shared database puts its keyspace
// first: 0x02 | u16 length | keyspace (UTF-8), then the same.
const METADATA_PREFIX = 0x00;
const DATA_PREFIX = 0x01;
const KEYSPACE_TAG = 0x02;

/**
 * A `BytesStore` in one RocksDB database (one directory). Lifecycle: created → open → closed;
 * `destroy()` from any state closes and removes the directory. A failed open leaves the store
 * `failed`: the binding must not be touched again after that (it can segfault).
 */
export class RocksDbBytesStore implements BytesStore {
  private db: RocksDB.RocksDb | undefined;
  private shared: SharedDatabase | undefined;
  private state: State = 'created';
  private readonly scans = new Set<RocksDbScan>();
  /** Prepended to every key: empty with a database of its own, the keyspace in a shared one. */
  private readonly prefix: Buffer;
  private readonly dataStart: Buffer;
  private readonly dataEnd: Buffer;

  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly options: RocksDbStoreOptions = {},
  ) {
    this.prefix = options.database === undefined ? Buffer.alloc(0) : keyspacePrefix(options.database.keyspace);
    this.dataStart = Buffer.concat([this.prefix, Buffer.from([DATA_PREFIX])]);
    this.dataEnd = Buffer.concat([this.prefix, Buffer.from([DATA_PREFIX + 1])]);
  }

  /** Where the database is: `dir`, or the shared database's path. */
  get databasePath(): string {
    return this.options.database?.path ?? this.dir;
  }

  async open(): Promise<void> {
    if (this.state === 'open') return;
    if (this.state !== 'created' && this.state !== 'closed') throw new StoreClosedError(this.name, `open while ${this.state}`);
    this.state = 'opening';
    const memory = rocksDbMemoryOptions();
    const options = {
      compression: this.options.compression ?? true,
      writeBufferSize: this.options.writeBufferSize ?? memory.writeBufferBytes,
      cacheSize: this.options.cacheSize ?? memory.blockCacheBytes,
      maxOpenFiles: this.options.maxOpenFiles ?? 256,
    };
    try {
      if (this.options.database !== undefined) {
        this.shared = await acquireDatabase(this.options.database.path, this.options.database.keyspace, options);
        this.db = this.shared.db;
      } else {
        // RocksDB creates only the last path component; the task's directory may not exist yet.
        await mkdir(this.dir, { recursive: true });
        const db = RocksDB(this.dir);
        await callbackToPromise((done) => db.open({ createIfMissing: true, errorIfExists: false, infoLogLevel: 'error', ...options }, done));
        this.db = db;
        trackDatabase(db, true);
      }
      this.state = 'open';
    } catch (error) {
      this.state = 'failed';
      throw new StoreOpenError(this.name, this.databasePath, error);
    }
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    const db = this.openDb('get');
    try {
      return await callbackToValue<Buffer>((done) => db.get(this.dataKey(key), { asBuffer: true }, done));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new StoreIoError(this.name, 'get', error);
    }
  }

  async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    const db = this.openDb('getMany');
    if (keys.length === 0) return [];
    const getMany = db.getMany;
    if (getMany === undefined) return Promise.all(keys.map((key) => this.get(key)));
    try {
      const values = await callbackToValue<Array<Buffer | undefined>>((done) =>
        getMany.call(db, keys.map((key) => this.dataKey(key)), { asBuffer: true }, done),
      );
      return values ?? keys.map(() => undefined);
    } catch (error) {
      throw new StoreIoError(this.name, 'getMany', error);
    }
  }

  async write(writes: readonly BytesWrite[], metadata?: ReadonlyMap<string, Buffer>): Promise<void> {
    const db = this.openDb('write');
    validateWrites(this.name, writes, metadata);
    const operations: RocksDB.RocksDbBatchOperation[] = new Array(writes.length);
    for (let i = 0; i < writes.length; i++) {
      const { key, value } = writes[i] as BytesWrite;
      operations[i] = value === null ? { type: 'del', key: this.dataKey(key) } : { type: 'put', key: this.dataKey(key), value };
    }
    if (metadata !== undefined) {
      for (const [name, value] of metadata) operations.push({ type: 'put', key: this.metadataKey(name), value });
    }
    if (operations.length === 0) return;
    try {
      await callbackToPromise((done) => db.batch(operations, { sync: this.options.sync ?? false }, done));
    } catch (error) {
      throw new StoreIoError(this.name, `write batch of ${operations.length} operations`, error);
    }
  }

  async getMetadata(name: string): Promise<Buffer | undefined> {
    const db = this.openDb('getMetadata');
    try {
      return await callbackToValue<Buffer>((done) => db.get(this.metadataKey(name), { asBuffer: true }, done));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new StoreIoError(this.name, `get metadata '${name}'`, error);
    }
  }

  iterate(range: BytesRange): AsyncIterableIterator<[Buffer, Buffer]> {
    const db = this.openDb('iterate');
    let native: RocksDB.RocksDbIterator;
    try {
      native = db.iterator({
        gte: range.gte === undefined ? this.dataStart : this.dataKey(range.gte),
        lt: range.lt === undefined ? this.dataEnd : this.dataKey(range.lt),
        reverse: range.reverse ?? false,
        limit: range.limit ?? -1,
        keyAsBuffer: true,
        valueAsBuffer: true,
      });
    } catch (error) {
      throw new StoreIoError(this.name, 'open a scan', error);
    }
    const scan = new RocksDbScan(this.name, native, this.dataStart.length, (ended) => this.scans.delete(ended));
    this.scans.add(scan);
    return scan;
  }

  async approximateCount(): Promise<number> {
    const db = this.openDb('approximateCount');
    // An estimate by design (it counts overwrites and tombstones not yet compacted away).
    const estimate = Number(db.getProperty('rocksdb.estimate-num-keys'));
    if (!Number.isFinite(estimate)) return 0;
    return Math.round(estimate * (await this.shareOfDatabase(db)));
  }

  async approximateSizeBytes(): Promise<number> {
    const db = this.openDb('approximateSizeBytes');
    // SST files on disk plus the memtables not yet flushed to them (approximateSize sees only the former).
    const bytes = Number(db.getProperty('rocksdb.total-sst-files-size')) + Number(db.getProperty('rocksdb.size-all-mem-tables'));
    if (!Number.isFinite(bytes)) return 0;
    return Math.round(bytes * (await this.shareOfDatabase(db)));
  }

  /** Open native iterators being tracked; exposed so tests can prove scans do not leak. */
  openScanCount(): number {
    return this.scans.size;
  }

  async close(): Promise<void> {
    const db = this.db;
    if (this.state !== 'open' || db === undefined) {
      if (this.state === 'opening' || this.state === 'closing') throw new StoreClosedError(this.name, `close while ${this.state}`);
      return;
    }
    this.state = 'closing';
    try {
      await Promise.all([...this.scans].map((scan) => scan.closeForStore()));
      const shared = this.shared;
      this.shared = undefined;
      if (shared !== undefined) {
        await shared.release();
      } else {
        trackDatabase(db, false);
        await callbackToPromise((done) => db.close(done));
      }
    } catch (error) {
      this.state = 'failed';
      throw new StoreIoError(this.name, `close ${this.databasePath}`, error);
    }
    this.db = undefined;
    this.state = 'closed';
  }

  /** Deletes everything the store holds: its directory, or its keyspace of a shared database. */
  async destroy(): Promise<void> {
    if (this.options.database === undefined) {
      if (this.state === 'open') await this.close();
      await rm(this.dir, { recursive: true, force: true });
      this.state = 'closed';
      return;
    }
    if (this.state !== 'open') await this.open();
    const db = this.openDb('destroy');
    const end = prefixEnd(this.prefix);
    try {
      await callbackToPromise((done) => db.clear({ gte: this.prefix, lt: end }, done));
    } catch (error) {
      throw new StoreIoError(this.name, 'delete its keyspace', error);
    }
    await this.close();
  }

  private openDb(operation: string): RocksDB.RocksDb {
    if (this.state !== 'open' || this.db === undefined) throw new StoreClosedError(this.name, operation);
    return this.db;
  }

  private dataKey(key: Buffer): Buffer {
    const start = this.dataStart;
    const out = Buffer.allocUnsafe(start.length + key.length);
    start.copy(out, 0);
    key.copy(out, start.length);
    return out;
  }

  private metadataKey(name: string): Buffer {
    const at = this.prefix.length + 1;
    const out = Buffer.allocUnsafe(at + Buffer.byteLength(name, 'utf8'));
    this.prefix.copy(out, 0);
    out[at - 1] = METADATA_PREFIX;
    out.write(name, at, 'utf8');
    return out;
  }

  /** 1 for a database of its own; in a shared one, this keyspace's part of the bytes on disk (an estimate). */
  private async shareOfDatabase(db: RocksDB.RocksDb): Promise<number> {
    if (this.options.database === undefined) return 1;
    const size = (start: Buffer, end: Buffer): Promise<number | undefined> => callbackToValue<number>((done) => db.approximateSize(start, end, done));
    const mine = (await size(this.prefix, prefixEnd(this.prefix))) ?? 0;
    const all = (await size(Buffer.from([0x00]), Buffer.from([0xff]))) ?? 0;
    // Nothing on disk yet (all in memtables): no basis for a share; count it all.
    return all > 0 ? mine / all : 1;
  }
}

function keyspacePrefix(keyspace: string): Buffer {
  const name = Buffer.from(keyspace, 'utf8');
  if (name.length === 0 || name.length > 0xffff) throw new ConfigError(`RocksDB keyspace '${keyspace}' must be 1 to 65,535 bytes`);
  const out = Buffer.allocUnsafe(3 + name.length);
  out[0] = KEYSPACE_TAG;
  out.writeUInt16BE(name.length, 1);
  name.copy(out, 3);
  return out;
}

/** The first key after every key that starts with `prefix` (the prefix never ends in 0xff here). */
function prefixEnd(prefix: Buffer): Buffer {
  if (prefix.length === 0) return Buffer.from([0xff]);
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    const byte = end[i] as number;
    if (byte < 0xff) {
      end[i] = byte + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0xff]);
}
