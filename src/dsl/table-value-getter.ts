import type { ProcessorContext } from '../processor/processor-context.js';

/**
 * How a processor reads a table's current value for a key (Kafka Streams' `KTableValueGetter`): from
 * the table's store, or — for a table derived without a store of its own (filter, mapValues, join) —
 * from its parents' values, computed on the spot. A processor that uses a getter must be connected to
 * `stores`, which also puts it in the same task as the table.
 */
export interface TableValueGetter<K, V> {
  readonly stores: readonly string[];
  /** Binds the getter to a processor's context; call in `init`. */
  bind(context: ProcessorContext<unknown, unknown>): BoundGetter<K, V>;
}

export interface BoundGetter<K, V> {
  get(key: K): Promise<V | undefined>;
  /** Reads these keys in one round trip where a store is behind the getter (a hint). */
  prefetch(keys: readonly K[]): Promise<void>;
}

/** A table held in a key-value store. */
export function storeValueGetter<K, V>(storeName: string): TableValueGetter<K, V> {
  return {
    stores: [storeName],
    bind(context) {
      const store = context.getStateStore<K, V>(storeName);
      return { get: (key) => store.get(key), prefetch: (keys) => store.prefetch(keys) };
    },
  };
}

/** A table whose value is a function of its parent's (filter, mapValues). */
export function derivedValueGetter<K, V, VP>(parent: TableValueGetter<K, VP>, derive: (value: VP, key: K) => V | undefined): TableValueGetter<K, V> {
  return {
    stores: parent.stores,
    bind(context) {
      const bound = parent.bind(context);
      return {
        async get(key) {
          const value = await bound.get(key);
          return value === undefined ? undefined : derive(value, key);
        },
        prefetch: (keys) => bound.prefetch(keys),
      };
    },
  };
}

/** A table whose value combines two tables' values for the key (a table-table join). */
export function joinedValueGetter<K, V1, V2, VR>(
  left: TableValueGetter<K, V1>,
  right: TableValueGetter<K, V2>,
  combine: (left: V1 | undefined, right: V2 | undefined) => VR | undefined,
): TableValueGetter<K, VR> {
  return {
    stores: [...new Set([...left.stores, ...right.stores])],
    bind(context) {
      const l = left.bind(context);
      const r = right.bind(context);
      return {
        async get(key) {
          return combine(await l.get(key), await r.get(key));
        },
        prefetch: async (keys) => {
          await Promise.all([l.prefetch(keys), r.prefetch(keys)]);
        },
      };
    },
  };
}
