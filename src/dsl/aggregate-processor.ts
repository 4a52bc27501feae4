import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import { NOT_CACHED, type KeyValueStore } from '../state/key-value-store.js';
import { change, type Change } from './table-change.js';

/**
 * Folds each record into its key's aggregate in a store and forwards the change (a KTable update). The
 * keys of a batch are read in one round trip first (`prefetch`), as the resequencer does, so a record
 * whose aggregate is in memory is processed synchronously; only a miss awaits the store.
 */
export function aggregateProcessor<K, V, VA>(
  storeName: string,
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
): () => Processor<K, V, K, Change<VA>> {
  return () => {
    let context: ProcessorContext<K, Change<VA>>;
    let store: KeyValueStore<K, VA>;
    const fold = (record: StreamRecord<K, V>, key: K, value: V, current: VA | undefined): void => {
      const next = aggregator(key, value, current === undefined ? initializer() : current);
      store.put(key, next);
      context.forward({ key, value: change(next, current), timestamp: record.timestamp, headers: record.headers });
    };
    return {
      init(c: ProcessorContext<K, Change<VA>>): void {
        context = c;
        store = c.getStateStore<K, VA>(storeName);
      },
      prefetch(records: ReadonlyArray<StreamRecord<K, V>>): Promise<void> {
        const keys: K[] = [];
        for (const record of records) if (record.key !== null && record.key !== undefined) keys.push(record.key);
        return store.prefetch(keys);
      },
      process(record: StreamRecord<K, V>): void | Promise<void> {
        // Kafka Streams drops records with a null key or value from aggregations; so do we.
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return;
        const cached = store.getIfCached(record.key);
        if (cached !== NOT_CACHED) {
          fold(record, record.key, record.value, cached);
          return;
        }
        const key = record.key;
        const value = record.value;
        return store.get(key).then((current) => fold(record, key, value, current));
      },
    };
  };
}
