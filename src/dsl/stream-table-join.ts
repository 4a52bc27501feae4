import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { BoundGetter, TableValueGetter } from './table-value-getter.js';

/** Looks each stream record's key up in the table and forwards what `join` makes of it; a batch's keys are read in one round trip. */
export function streamTableJoinProcessor<K, V, VT, VR>(
  table: TableValueGetter<K, VT>,
  join: (value: V, tableValue: VT | undefined, key: K) => { value: VR } | undefined,
): () => Processor<K, V, K, VR> {
  return () => {
    let context: ProcessorContext<K, VR>;
    let rows: BoundGetter<K, VT>;
    return {
      init(c: ProcessorContext<K, VR>): void {
        context = c;
        rows = table.bind(c as ProcessorContext<unknown, unknown>);
      },
      prefetch(records: ReadonlyArray<StreamRecord<K, V>>): Promise<void> {
        const keys: K[] = [];
        for (const record of records) if (record.key !== null && record.key !== undefined) keys.push(record.key);
        return rows.prefetch(keys);
      },
      async process(record: StreamRecord<K, V>): Promise<void> {
        if (record.key === null || record.key === undefined) return;
        const joined = join(record.value, await rows.get(record.key), record.key);
        if (joined !== undefined) {
          context.forward({ key: record.key, value: joined.value, timestamp: record.timestamp, headers: record.headers });
        }
      },
    };
  };
}
