import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { KeyValueStore } from '../state/key-value-store.js';

/** Materializes a topic into a table store: a value upserts, a null value (tombstone) deletes. */
export function tableSourceProcessor<K, V>(storeName: string): () => Processor<K, V | null, K, V | null> {
  return () => {
    let context: ProcessorContext<K, V | null>;
    let store: KeyValueStore<K, V>;
    return {
      init(c: ProcessorContext<K, V | null>): void {
        context = c;
        store = c.getStateStore<K, V>(storeName);
      },
      process(record: StreamRecord<K, V | null>): void {
        if (record.key === null || record.key === undefined) return;
        if (record.value === null || record.value === undefined) store.delete(record.key);
        else store.put(record.key, record.value);
        context.forward(record);
      },
    };
  };
}
