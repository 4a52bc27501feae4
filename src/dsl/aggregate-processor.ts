import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { change, type Change } from './table-change.js';

/**
 * Folds each record into its key's aggregate in a store and forwards the change (a KTable update). The
 * keys of a batch are read in one round trip first (`prefetch`), as the resequencer does.
 */
export function aggregateProcessor<K, V, VA>(
  storeName: string,
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
): () => Processor<K, V, K, Change<VA>> {
  return () => {
    let context: ProcessorContext<K, Change<VA>>;
    let store: KeyValueStore<K, VA>;
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
      async process(record: StreamRecord<K, V>): Promise<void> {
        // Kafka Streams drops records with a null key or value from aggregations; so do we.
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return;
        const current = await store.get(record.key);
        const next = aggregator(record.key, record.value, current === undefined ? initializer() : current);
        store.put(record.key, next);
        context.forward({ key: record.key, value: change(next, current), timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}
