import type { Serde } from '../serde/serde.js';
import type { DslContext } from './dsl-context.js';
import { KStream, type Named, type StreamSerdes } from './kstream.js';
import { statelessProcessor } from './stateless-processors.js';

/** A changelog stream seen as a table: the latest value per key, materialized in a store. */
export class KTable<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    /** The node that emits the table's updates. */
    readonly nodeName: string,
    /** The store holding the table; stream-table joins read it. */
    readonly storeName: string,
    private readonly serdes: StreamSerdes<K, V>,
  ) {}

  get keySerde(): Serde<K> | undefined {
    return this.serdes.keySerde;
  }

  get valueSerde(): Serde<V> | undefined {
    return this.serdes.valueSerde;
  }

  /** The table's updates as a stream. */
  toStream(options: Named = {}): KStream<K, V> {
    const name = this.ctx.nameFor('KTABLE-TOSTREAM', options.name);
    this.ctx.builder.addProcessor({
      name,
      supplier: statelessProcessor<K, V, K, V>((record, context) => context.forward(record)),
      parents: [this.nodeName],
    });
    return new KStream<K, V>(this.ctx, name, this.serdes, false);
  }
}
