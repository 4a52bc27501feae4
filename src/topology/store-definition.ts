import type { Serde } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';

/**
 * `persistent` stores live in RocksDB under the state directory; `in-memory` ones in process memory.
 * Both are backed by a compacted changelog topic unless `changelog` is false.
 */
export type StoreKind = 'persistent' | 'in-memory';

export interface StoreDefinition {
  readonly name: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** `undefined`: the application's default (persistent in production, the driver's choice in tests). */
  readonly kind: StoreKind | undefined;
  readonly changelog: boolean;
  /** Set for stores laid out over bytes by a typed view (window stores, suppression buffers); key-value stores have none. */
  readonly layout?: StoreLayout | undefined;
}

/**
 * A global store (Kafka Streams' GlobalKTable store): every instance holds all of `topic`, read fully
 * before processing starts and kept up to date while it runs. The topic is its changelog; processors
 * may only read it.
 */
export interface GlobalStoreDefinition {
  readonly name: string;
  /** An external topic, read whole (every partition). */
  readonly topic: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly kind: StoreKind | undefined;
}

/**
 * What a store holds when it is more than a key-value store: its key and value serdes are then bytes,
 * and a typed view (e.g. a `WindowStore`) maps its entries. The task engine sees only the bytes store,
 * so buffering, changelog, flush and restore are those of every store.
 */
export interface StoreLayout {
  /** e.g. `window`, `session`, `suppression-buffer`. */
  readonly type: string;
  /** How `describe()` shows the store, e.g. `window store, size 60000 ms, retention 120000 ms`. */
  readonly summary: string;
  /** Opens the typed view over the store's bytes (the test driver's window-store accessors use it). */
  open(store: KeyValueStore<Buffer, Buffer>): Promise<unknown>;
}
