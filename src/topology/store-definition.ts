import type { Serde } from '../serde/serde.js';

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
}
