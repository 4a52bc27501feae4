import { bytesSerde, defineTopology, stringSerde, type KeyValueStore, type Processor } from '../src/index.js';

export const RESTORE_STORE = 'kv';

/**
 * The restore stage's topology: one RocksDB store `kv` (string keys, raw byte values) behind a
 * processor that writes each input record into it. Its changelog `<applicationId>-kv-changelog` is
 * what the bench fills with 1,000,000 keys before the application starts with an empty state dir.
 */
export function restoreTopology(inputTopic: string) {
  return defineTopology({
    applicationId: 'bench-restore',
    build: (builder) => {
      builder.addStateStore({ name: RESTORE_STORE, keySerde: stringSerde, valueSerde: bytesSerde });
      builder
        .stream<string, Buffer>(inputTopic, { keySerde: stringSerde, valueSerde: bytesSerde })
        .process(
          (): Processor<string, Buffer> => {
            let store: KeyValueStore<string, Buffer> | undefined;
            return {
              init: (context) => {
                store = context.getStateStore<string, Buffer>(RESTORE_STORE);
              },
              process: (record) => {
                store?.put(record.key, record.value);
              },
            };
          },
          { name: 'put-into-kv', stores: [RESTORE_STORE] },
        );
    },
  });
}
