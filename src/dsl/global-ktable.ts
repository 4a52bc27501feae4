import type { Serde } from '../serde/serde.js';

/**
 * A table every instance holds whole (Kafka Streams' `GlobalKTable`): all partitions of its topic, read
 * fully before processing starts and kept up to date while the application runs. Streams join it by
 * any key they compute (`stream.join(global, keySelector, joiner)`), without a repartition.
 */
export class GlobalKTable<K, V> {
  /** @internal */
  constructor(
    /** The global store holding the table; queryable on every instance. */
    readonly storeName: string,
    readonly topic: string,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {}
}
