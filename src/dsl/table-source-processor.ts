import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { change, type Change } from './table-change.js';

/**
 * Materializes a topic into a table store: a value upserts, a null value (tombstone) deletes. Forwards
 * each update as a change with the value it replaced (read first; a batch's keys in one round trip).
 */
export function tableSourceProcessor<K, V>(storeName: string): () => Processor<K, V | null, K, Change<V>> {
  return () => {
    let context: ProcessorContext<K, Change<V>>;
    let store: KeyValueStore<K, V>;
    return {
      init(c: ProcessorContext<K, Change<V>>): void {
        context = c;
        store = c.getStateStore<K, V>(storeName);
      },
      prefetch(records: ReadonlyArray<StreamRecord<K, V | null>>): Promise<void> {
        const keys: K[] = [];
        for (const record of records) if (record.key !== null && record.key !== undefined) keys.push(record.key);
        return store.prefetch(keys);
      },
      async process(record: StreamRecord<K, V | null>): Promise<void> {
        if (record.key === null || record.key === undefined) return;
        const old: V | undefined = await store.get(record.key);
        const value: V | undefined = record.value === null || record.value === undefined ? undefined : record.value;
        if (value === undefined) {
          if (old === undefined) return;
          store.delete(record.key);
        } else {
          store.put(record.key, value);
        }
        context.forward({ key: record.key, value: change(value, old), timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}
