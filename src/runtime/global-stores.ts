import { rm } from 'node:fs/promises';
import { CdcStreamsError } from '../common/errors.js';
import type { BytesWrite } from '../state/bytes-store.js';
import type { CachingKeyValueStore } from '../state/caching-key-value-store.js';
import type { KeyValue, KeyValueStore, RangeOptions } from '../state/key-value-store.js';
import { openStore, storeDirectory } from '../state/store-factory.js';
import type { GlobalStoreDefinition, StoreKind } from '../topology/store-definition.js';
import type { Topology } from '../topology/topology.js';

/** A processor tried to write a global store: only its topic writes it. */
export class GlobalStoreReadOnlyError extends CdcStreamsError {
  constructor(store: string, operation: string) {
    super(`global store '${store}' is read-only: cannot ${operation} (write its topic instead)`, { code: 'GLOBAL_STORE_READ_ONLY' });
  }
}

/** One record of a global store's topic, as read. */
export interface GlobalRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
}

interface OpenGlobalStore {
  readonly definition: GlobalStoreDefinition;
  readonly store: CachingKeyValueStore<unknown, unknown>;
  readonly view: KeyValueStore<unknown, unknown>;
}

const OFFSET_PREFIX = 'global-offset-';
const GLOBAL_TASK = 'global';

/**
 * The global stores of one application instance (Kafka-free): each holds all of its topic, in
 * `<stateDir>/global/<store>`. The host (Kafka runtime or test driver) reads the topics and hands the
 * records to `apply`, which writes them straight to the bytes store together with the next offset per
 * partition, in one atomic batch — the topic is the changelog, so there is nothing else to commit.
 * Tasks get read-only views (`views`); their read caches are off, since writes bypass them.
 */
export class GlobalStores {
  private constructor(private readonly open: ReadonlyMap<string, OpenGlobalStore>) {}

  /** `fresh`: delete what the stores held before (the Kafka runtime reads the topics whole at every start). */
  static async open(
    topology: Topology,
    options: { readonly stateDir: string; readonly defaultStoreKind: StoreKind; readonly fresh?: boolean },
  ): Promise<GlobalStores> {
    const open = new Map<string, OpenGlobalStore>();
    try {
      for (const definition of topology.globalStores.values()) {
        const kind = (definition.kind ?? options.defaultStoreKind) === 'persistent' ? 'rocksdb' : 'in-memory';
        const dir = kind === 'rocksdb' ? storeDirectory(options.stateDir, GLOBAL_TASK, definition.name) : undefined;
        // Re-read whole, so rows whose tombstones were compacted away while the instance was down go too.
        if (dir !== undefined && options.fresh === true) await rm(dir, { recursive: true, force: true });
        const store = await openStore({
          name: definition.name,
          kind,
          dir,
          keySerde: definition.keySerde,
          valueSerde: definition.valueSerde,
          readCacheBytes: 0,
        });
        open.set(definition.name, { definition, store, view: readOnly(store) });
      }
    } catch (error) {
      await Promise.allSettled([...open.values()].map((g) => g.store.close()));
      throw error;
    }
    return new GlobalStores(open);
  }

  /** Read-only views of the stores, by name, for the tasks. */
  views(): ReadonlyMap<string, KeyValueStore<unknown, unknown>> {
    return new Map([...this.open].map(([name, g]) => [name, g.view]));
  }

  /** The topics to read, with the store each one fills. */
  topics(): ReadonlyMap<string, string> {
    return new Map([...this.open.values()].map((g) => [g.definition.topic, g.definition.name]));
  }

  /** Where to go on reading `topic` per partition: the offset after the last record applied (absent: from the start). */
  async nextOffsets(topic: string, partitions: number): Promise<Map<number, string>> {
    const global = this.forTopic(topic);
    const offsets = new Map<number, string>();
    for (let p = 0; p < partitions; p++) {
      const stored = await global.store.inner.getMetadata(`${OFFSET_PREFIX}${p}`);
      if (stored !== undefined) offsets.set(p, stored.toString('utf8'));
    }
    return offsets;
  }

  /** Applies records of one partition of `topic` (a null value deletes the key; a null key is skipped) and their position. */
  async apply(topic: string, partition: number, records: readonly GlobalRecord[]): Promise<void> {
    const last = records[records.length - 1];
    if (last === undefined) return;
    const global = this.forTopic(topic);
    const writes: BytesWrite[] = [];
    for (const record of records) if (record.key !== null) writes.push({ key: record.key, value: record.value });
    const next = (BigInt(last.offset) + 1n).toString();
    await global.store.inner.write(writes, new Map([[`${OFFSET_PREFIX}${partition}`, Buffer.from(next, 'utf8')]]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((g) => g.store.close()));
  }

  private forTopic(topic: string): OpenGlobalStore {
    for (const g of this.open.values()) if (g.definition.topic === topic) return g;
    throw new CdcStreamsError(`no global store reads topic '${topic}'`, { code: 'UNKNOWN_GLOBAL_TOPIC' });
  }
}

function readOnly(store: KeyValueStore<unknown, unknown>): KeyValueStore<unknown, unknown> {
  return {
    name: store.name,
    get: (key) => store.get(key),
    getIfCached: (key) => store.getIfCached(key),
    prefetch: (keys) => store.prefetch(keys),
    range: (options?: RangeOptions<unknown>): AsyncIterableIterator<KeyValue<unknown, unknown>> => store.range(options),
    prefixScan: (prefix) => store.prefixScan(prefix),
    all: () => store.all(),
    approximateNumEntries: () => store.approximateNumEntries(),
    put: () => {
      throw new GlobalStoreReadOnlyError(store.name, 'put');
    },
    putIfAbsent: () => Promise.reject(new GlobalStoreReadOnlyError(store.name, 'putIfAbsent')),
    delete: () => {
      throw new GlobalStoreReadOnlyError(store.name, 'delete');
    },
  };
}
