import { mkdir, rm } from 'node:fs/promises';
import RocksDB from 'rocksdb';
import type { BytesRange, BytesStore, BytesWrite } from '../bytes-store.js';
import { StoreClosedError, StoreIoError, StoreOpenError } from '../store-errors.js';
import { validateWrites } from '../write-validation.js';
import { callbackToPromise, callbackToValue, isNotFound } from './rocksdb-callbacks.js';
import { trackDatabase } from './rocksdb-memory.js';
import { RocksDbScan } from './rocksdb-scan.js';

export interface RocksDbStoreOptions {
  /** Bytes of memtable before a flush to an SST file. Default 8 MiB: many stores share one process. */
  readonly writeBufferSize?: number;
  /** Block cache bytes. Default 8 MiB. */
  readonly cacheSize?: number;
  /** Snappy compression of SST blocks. Default true. */
  readonly compression?: boolean;
  readonly maxOpenFiles?: number;
  /**
   * fsync every write batch. Default false: the changelog topic is the durable copy, and the WAL
   * still survives a process crash; only an OS crash can lose the last batches, which restore redoes.
   */
  readonly sync?: boolean;
}

type State = 'created' | 'opening' | 'open' | 'closing' | 'closed' | 'failed';

// Data and metadata share one keyspace, split by a leading byte: metadata sorts before all data,
// so a scan bounded to the 0x01 prefix can never see it.
const METADATA_PREFIX = 0x00;
const DATA_PREFIX = 0x01;
const DATA_START = Buffer.from([DATA_PREFIX]);
const DATA_END = Buffer.from([DATA_PREFIX + 1]);

/**
 * A `BytesStore` in one RocksDB database (one directory). Lifecycle: created → open → closed;
 * `destroy()` from any state closes and removes the directory. A failed open leaves the store
 * `failed`: the binding must not be touched again after that (it can segfault).
 */
export class RocksDbBytesStore implements BytesStore {
  private db: RocksDB.RocksDb | undefined;
  private state: State = 'created';
  private readonly scans = new Set<RocksDbScan>();

  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly options: RocksDbStoreOptions = {},
  ) {}

  async open(): Promise<void> {
    if (this.state === 'open') return;
    if (this.state !== 'created' && this.state !== 'closed') throw new StoreClosedError(this.name, `open while ${this.state}`);
    this.state = 'opening';
    try {
      // RocksDB creates only the last path component; the task's directory may not exist yet.
      await mkdir(this.dir, { recursive: true });
      const db = RocksDB(this.dir);
      await callbackToPromise((done) =>
        db.open(
          {
            createIfMissing: true,
            errorIfExists: false,
            compression: this.options.compression ?? true,
            writeBufferSize: this.options.writeBufferSize ?? 8 * 1024 * 1024,
            cacheSize: this.options.cacheSize ?? 8 * 1024 * 1024,
            maxOpenFiles: this.options.maxOpenFiles ?? 256,
            infoLogLevel: 'error',
          },
          done,
        ),
      );
      this.db = db;
      this.state = 'open';
      trackDatabase(db, true);
    } catch (error) {
      this.state = 'failed';
      throw new StoreOpenError(this.name, this.dir, error);
    }
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    const db = this.openDb('get');
    try {
      return await callbackToValue<Buffer>((done) => db.get(dataKey(key), { asBuffer: true }, done));
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
        getMany.call(db, keys.map(dataKey), { asBuffer: true }, done),
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
      operations[i] = value === null ? { type: 'del', key: dataKey(key) } : { type: 'put', key: dataKey(key), value };
    }
    if (metadata !== undefined) {
      for (const [name, value] of metadata) operations.push({ type: 'put', key: metadataKey(name), value });
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
      return await callbackToValue<Buffer>((done) => db.get(metadataKey(name), { asBuffer: true }, done));
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
        gte: range.gte === undefined ? DATA_START : dataKey(range.gte),
        lt: range.lt === undefined ? DATA_END : dataKey(range.lt),
        reverse: range.reverse ?? false,
        limit: range.limit ?? -1,
        keyAsBuffer: true,
        valueAsBuffer: true,
      });
    } catch (error) {
      throw new StoreIoError(this.name, 'open a scan', error);
    }
    const scan = new RocksDbScan(this.name, native, (ended) => this.scans.delete(ended));
    this.scans.add(scan);
    return scan;
  }

  async approximateCount(): Promise<number> {
    const db = this.openDb('approximateCount');
    // An estimate by design (it counts overwrites and tombstones not yet compacted away).
    const estimate = Number(db.getProperty('rocksdb.estimate-num-keys'));
    return Number.isFinite(estimate) ? estimate : 0;
  }

  async approximateSizeBytes(): Promise<number> {
    const db = this.openDb('approximateSizeBytes');
    // SST files on disk plus the memtables not yet flushed to them (approximateSize sees only the former).
    const bytes = Number(db.getProperty('rocksdb.total-sst-files-size')) + Number(db.getProperty('rocksdb.size-all-mem-tables'));
    return Number.isFinite(bytes) ? bytes : 0;
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
      trackDatabase(db, false);
      await callbackToPromise((done) => db.close(done));
    } catch (error) {
      this.state = 'failed';
      throw new StoreIoError(this.name, `close ${this.dir}`, error);
    }
    this.db = undefined;
    this.state = 'closed';
  }

  async destroy(): Promise<void> {
    if (this.state === 'open') await this.close();
    await rm(this.dir, { recursive: true, force: true });
    this.state = 'closed';
  }

  private openDb(operation: string): RocksDB.RocksDb {
    if (this.state !== 'open' || this.db === undefined) throw new StoreClosedError(this.name, operation);
    return this.db;
  }
}

function dataKey(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = DATA_PREFIX;
  key.copy(out, 1);
  return out;
}

function metadataKey(name: string): Buffer {
  const out = Buffer.allocUnsafe(Buffer.byteLength(name, 'utf8') + 1);
  out[0] = METADATA_PREFIX;
  out.write(name, 1, 'utf8');
  return out;
}
