import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { KeyValueStore } from '../state/key-value-store.js';

/**
 * Joins each stream record with a global table's row for the key `keySelector` picks; `join` returns
 * undefined to drop the record (an inner join without a row). A batch's lookups are read in one round trip.
 */
export function streamGlobalJoinProcessor<K, V, KG, VG, VR>(
  storeName: string,
  keySelector: (key: K, value: V) => KG,
  join: (value: V, globalValue: VG | undefined, key: K) => { value: VR } | undefined,
): () => Processor<K, V, K, VR> {
  return () => {
    let context: ProcessorContext<K, VR>;
    let store: KeyValueStore<KG, VG>;
    return {
      init(c: ProcessorContext<K, VR>): void {
        context = c;
        store = c.getStateStore<KG, VG>(storeName);
      },
      prefetch(records: ReadonlyArray<StreamRecord<K, V>>): Promise<void> {
        return store.prefetch(records.map((r) => keySelector(r.key, r.value)));
      },
      async process(record: StreamRecord<K, V>): Promise<void> {
        const lookup = keySelector(record.key, record.value);
        const row = lookup === null || lookup === undefined ? undefined : await store.get(lookup);
        const joined = join(record.value, row, record.key);
        if (joined !== undefined) context.forward({ key: record.key, value: joined.value, timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}
