import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { KeyValueStore } from '../state/key-value-store.js';

/** Looks each stream record's key up in the table's store and forwards what `join` makes of it. */
export function streamTableJoinProcessor<K, V, VT, VR>(
  storeName: string,
  join: (value: V, tableValue: VT | undefined, key: K) => { value: VR } | undefined,
): () => Processor<K, V, K, VR> {
  return () => {
    let context: ProcessorContext<K, VR>;
    let store: KeyValueStore<K, VT>;
    return {
      init(c: ProcessorContext<K, VR>): void {
        context = c;
        store = c.getStateStore<K, VT>(storeName);
      },
      async process(record: StreamRecord<K, V>): Promise<void> {
        if (record.key === null || record.key === undefined) return;
        const joined = join(record.value, await store.get(record.key), record.key);
        if (joined !== undefined) {
          context.forward({ key: record.key, value: joined.value, timestamp: record.timestamp, headers: record.headers });
        }
      },
    };
  };
}
