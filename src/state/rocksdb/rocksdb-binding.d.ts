// The `rocksdb` package ships no types. This declares only the slice of its abstract-leveldown
// callback API that rocksdb-bytes-store.ts uses, with Buffers for keys and values throughout.
declare module 'rocksdb' {
  namespace RocksDB {
    export type ErrorCallback = (error: Error | null | undefined) => void;

    export interface RocksDbOpenOptions {
      createIfMissing?: boolean;
      errorIfExists?: boolean;
      compression?: boolean;
      infoLogLevel?: 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'header';
      cacheSize?: number;
      writeBufferSize?: number;
      blockSize?: number;
      maxOpenFiles?: number;
      maxFileSize?: number;
    }

    export interface RocksDbIteratorOptions {
      gte?: Buffer;
      lt?: Buffer;
      reverse?: boolean;
      limit?: number;
      keys?: boolean;
      values?: boolean;
      keyAsBuffer?: boolean;
      valueAsBuffer?: boolean;
      fillCache?: boolean;
      highWaterMark?: number;
    }

    export interface RocksDbBatchOperation {
      type: 'put' | 'del';
      key: Buffer;
      value?: Buffer;
    }

    export interface RocksDbIterator {
      next(callback: (error: Error | null | undefined, key?: Buffer, value?: Buffer) => void): void;
      end(callback: ErrorCallback): void;
    }

    export interface RocksDb {
      readonly status: string;
      open(options: RocksDbOpenOptions, callback: ErrorCallback): void;
      close(callback: ErrorCallback): void;
      get(key: Buffer, options: { asBuffer?: boolean; fillCache?: boolean }, callback: (error: Error | null | undefined, value?: Buffer) => void): void;
      getMany?(
        keys: Buffer[],
        options: { asBuffer?: boolean; fillCache?: boolean },
        callback: (error: Error | null | undefined, values?: Array<Buffer | undefined>) => void,
      ): void;
      batch(operations: RocksDbBatchOperation[], options: { sync?: boolean }, callback: ErrorCallback): void;
      iterator(options: RocksDbIteratorOptions): RocksDbIterator;
      getProperty(property: string): string;
      clear(options: { gte?: Buffer; lt?: Buffer }, callback: ErrorCallback): void;
      approximateSize(start: Buffer, end: Buffer, callback: (error: Error | null | undefined, size?: number) => void): void;
    }
  }

  function RocksDB(location: string): RocksDB.RocksDb;
  export = RocksDB;
}
