import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { KeyValueStore } from '../state/key-value-store.js';

/** Folds each record into its key's aggregate in a store and forwards the new aggregate (a KTable update). */
export function aggregateProcessor<K, V, VA>(
  storeName: string,
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
): () => Processor<K, V, K, VA> {
  return () => {
    let context: ProcessorContext<K, VA>;
    let store: KeyValueStore<K, VA>;
    return {
      init(c: ProcessorContext<K, VA>): void {
        context = c;
        store = c.getStateStore<K, VA>(storeName);
      },
      async process(record: StreamRecord<K, V>): Promise<void> {
        // Kafka Streams drops records with a null key or value from aggregations; so do we.
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return;
        const current = await store.get(record.key);
        const next = aggregator(record.key, record.value, current === undefined ? initializer() : current);
        store.put(record.key, next);
        context.forward({ key: record.key, value: next, timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}
