import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import type { KeyValuePair } from './key-value-pair.js';
import { change, type Change } from './table-change.js';
import type { BoundGetter, TableValueGetter } from './table-value-getter.js';

type ChangeRecord<K, V> = StreamRecord<K, Change<V>>;

/** Writes a table's new value for the key into its store (a delete when there is none). */
function materialize<K, V>(store: KeyValueStore<K, V> | undefined, key: K, value: V | undefined): void {
  if (store === undefined) return;
  if (value === undefined) store.delete(key);
  else store.put(key, value);
}

/**
 * filter and mapValues on a table: applies `derive` to the new and the old value (undefined drops a
 * value: a filtered-out row reads as a delete), forwards the change unless both halves are gone, and
 * keeps the result in `storeName` when the table is materialized.
 */
export function tableDeriveProcessor<K, V, VR>(derive: (value: V, key: K) => VR | undefined, storeName: string | undefined): () => Processor<K, Change<V>, K, Change<VR>> {
  return () => {
    let context: ProcessorContext<K, Change<VR>>;
    let store: KeyValueStore<K, VR> | undefined;
    return {
      init(c) {
        context = c;
        store = storeName === undefined ? undefined : c.getStateStore<K, VR>(storeName);
      },
      process(record: ChangeRecord<K, V>): void {
        const { newValue, oldValue } = record.value;
        const next = newValue === undefined ? undefined : derive(newValue, record.key);
        const old = oldValue === undefined ? undefined : derive(oldValue, record.key);
        if (next === undefined && old === undefined) return;
        materialize(store, record.key, next);
        context.forward({ key: record.key, value: change(next, old), timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}

/**
 * One side of a table-table join: on a change of this side, reads the other side's current value and
 * forwards the joined change (`combine` gives undefined where the join has no row).
 */
export function tableJoinSideProcessor<K, VThis, VOther, VR>(
  other: TableValueGetter<K, VOther>,
  combine: (mine: VThis | undefined, theirs: VOther | undefined) => VR | undefined,
): () => Processor<K, Change<VThis>, K, Change<VR>> {
  return () => {
    let context: ProcessorContext<K, Change<VR>>;
    let theirs: BoundGetter<K, VOther>;
    return {
      init(c) {
        context = c;
        theirs = other.bind(c as ProcessorContext<unknown, unknown>);
      },
      prefetch(records: ReadonlyArray<ChangeRecord<K, VThis>>): Promise<void> {
        return theirs.prefetch(records.map((r) => r.key));
      },
      async process(record: ChangeRecord<K, VThis>): Promise<void> {
        if (record.key === null || record.key === undefined) return;
        const value = await theirs.get(record.key);
        const next = combine(record.value.newValue, value);
        const old = combine(record.value.oldValue, value);
        if (next === undefined && old === undefined) return;
        context.forward({ key: record.key, value: change(next, old), timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}

/** Passes table changes on, keeping the new values in `storeName` when given (a materialized join result). */
export function tableMaterializeProcessor<K, V>(storeName: string | undefined): () => Processor<K, Change<V>, K, Change<V>> {
  return () => {
    let context: ProcessorContext<K, Change<V>>;
    let store: KeyValueStore<K, V> | undefined;
    return {
      init(c) {
        context = c;
        store = storeName === undefined ? undefined : c.getStateStore<K, V>(storeName);
      },
      process(record: ChangeRecord<K, V>): void {
        materialize(store, record.key, record.value.newValue);
        context.forward(record);
      },
    };
  };
}

/**
 * `KTable.groupBy`: maps the old and the new row to their group keys and values. When both land under
 * the same key (by serialized key) they travel as one change; otherwise the old value goes to its group
 * to be subtracted, then the new one to its group to be added.
 */
export function tableGroupByProcessor<K, V, K2, V2>(
  selector: (value: V, key: K) => KeyValuePair<K2, V2>,
  keySerde: Serde<K2> | undefined,
): () => Processor<K, Change<V>, K2, Change<V2>> {
  return () => {
    let context: ProcessorContext<K2, Change<V2>>;
    const sameKey = (a: K2, b: K2): boolean => {
      if (a === b) return true;
      if (keySerde === undefined) return false;
      const at = { topic: context.nodeName };
      return keySerde.serialize(a, at).equals(keySerde.serialize(b, at));
    };
    return {
      init(c) {
        context = c;
      },
      process(record: ChangeRecord<K, V>): void {
        const { newValue, oldValue } = record.value;
        const next = newValue === undefined ? undefined : selector(newValue, record.key);
        const old = oldValue === undefined ? undefined : selector(oldValue, record.key);
        const out = (key: K2, value: Change<V2>) => context.forward({ key, value, timestamp: record.timestamp, headers: record.headers });
        if (next !== undefined && old !== undefined && sameKey(next.key, old.key)) {
          out(next.key, change(next.value, old.value));
          return;
        }
        if (old !== undefined) out(old.key, change<V2>(undefined, old.value));
        if (next !== undefined) out(next.key, change<V2>(next.value, undefined));
      },
    };
  };
}

/**
 * Aggregates a grouped table: subtracts the old value and adds the new one to the group's aggregate.
 * `apply` returns undefined to delete the group (a reduce that has nothing left).
 */
export function tableAggregateProcessor<K, V, VA>(
  storeName: string,
  apply: (key: K, current: VA | undefined, change: Change<V>) => VA | undefined,
): () => Processor<K, Change<V>, K, Change<VA>> {
  return () => {
    let context: ProcessorContext<K, Change<VA>>;
    let store: KeyValueStore<K, VA>;
    return {
      init(c) {
        context = c;
        store = c.getStateStore<K, VA>(storeName);
      },
      prefetch(records: ReadonlyArray<ChangeRecord<K, V>>): Promise<void> {
        return store.prefetch(records.map((r) => r.key));
      },
      async process(record: ChangeRecord<K, V>): Promise<void> {
        if (record.key === null || record.key === undefined) return;
        const current = await store.get(record.key);
        const next = apply(record.key, current, record.value);
        materialize(store, record.key, next);
        context.forward({ key: record.key, value: change(next, current), timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}
