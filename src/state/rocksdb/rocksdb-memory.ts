import type RocksDB from 'rocksdb';

/** What the open RocksDB databases of this process hold in memory, summed (bytes), as RocksDB estimates it. */
export interface RocksDbMemoryUsage {
  readonly databases: number;
  /** Memtables: writes not yet flushed to SST files (up to two write buffers per database). */
  readonly memtableBytes: number;
  /** Block caches: SST blocks read (one cache per database). */
  readonly blockCacheBytes: number;
  /** Index and filter blocks of open SST files (kept outside the block cache). */
  readonly tableReaderBytes: number;
}

const open = new Set<RocksDB.RocksDb>();

/** Called by the store layer as databases open and close. */
export function trackDatabase(db: RocksDB.RocksDb, isOpen: boolean): void {
  if (isOpen) open.add(db);
  else open.delete(db);
}

/** Memory of every RocksDB database open in this process, read from RocksDB's own properties. */
export function rocksDbMemoryUsage(): RocksDbMemoryUsage {
  let memtableBytes = 0;
  let blockCacheBytes = 0;
  let tableReaderBytes = 0;
  for (const db of open) {
    memtableBytes += property(db, 'rocksdb.cur-size-all-mem-tables');
    blockCacheBytes += property(db, 'rocksdb.block-cache-usage');
    tableReaderBytes += property(db, 'rocksdb.estimate-table-readers-mem');
  }
  return { databases: open.size, memtableBytes, blockCacheBytes, tableReaderBytes };
}

function property(db: RocksDB.RocksDb, name: string): number {
  const value = Number(db.getProperty(name));
  return Number.isFinite(value) ? value : 0;
}
