import type { Serde } from '../serde/serde.js';
import type { StoreKind } from '../topology/store-definition.js';
import { TopologyError } from '../topology/topology-error.js';
import type { Topology } from '../topology/topology.js';
import { DslContext } from './dsl-context.js';
import { RAW_BYTES, runtimeSerde } from './internal-serdes.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import { tableSourceProcessor } from './table-source-processor.js';
import { GlobalKTable } from './global-ktable.js';
import type { WindowStoreSpec } from './window-store-spec.js';

export interface StreamOptions<K, V> {
  /** Without serdes, keys and values are raw `Buffer | null`. */
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly name?: string;
}

export interface TableOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly storeName?: string;
  readonly kind?: StoreKind;
}

export interface StateStoreOptions<K, V> {
  readonly name: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly kind?: StoreKind;
  readonly changelog?: boolean;
}

/** The DSL's entry point: declare streams and tables, chain operations, then `build()` a Topology. */
export class StreamsBuilder {
  /** @internal */
  readonly ctx = new DslContext();

  stream<K = Buffer | null, V = Buffer | null>(topics: string | readonly string[], options: StreamOptions<K, V> = {}): KStream<K, V> {
    const name = this.ctx.nameFor('KSTREAM-SOURCE', options.name);
    this.ctx.builder.addSource({
      name,
      topics: typeof topics === 'string' ? [topics] : [...topics],
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
    });
    return new KStream<K, V>(this.ctx, name, {
      keySerde: options.keySerde ?? (RAW_BYTES as unknown as Serde<K>),
      valueSerde: options.valueSerde ?? (RAW_BYTES as unknown as Serde<V>),
    }, false);
  }

  table<K, V>(topic: string, options: TableOptions<K, V>): KTable<K, V> {
    const source = this.ctx.nameFor('KSTREAM-SOURCE', undefined);
    const name = this.ctx.nameFor('KTABLE-SOURCE', undefined);
    const storeName = options.storeName ?? `${topic}-STATE-STORE`;
    this.ctx.builder
      .addSource({ name: source, topics: [topic], keySerde: runtimeSerde(options.keySerde), valueSerde: runtimeSerde(options.valueSerde) })
      .addProcessor({ name, supplier: tableSourceProcessor<K, V>(storeName), parents: [source], stores: [storeName] })
      .addStore({ name: storeName, keySerde: options.keySerde, valueSerde: options.valueSerde, ...(options.kind === undefined ? {} : { kind: options.kind }) });
    return new KTable<K, V>(this.ctx, name, { name: storeName, type: 'key-value' }, { keySerde: options.keySerde, valueSerde: options.valueSerde });
  }

  /**
   * A table every instance holds whole, from all partitions of `topic` (Kafka Streams' `GlobalKTable`):
   * join streams with it by any key, without a repartition. Its store is read-only to processors.
   */
  globalTable<K, V>(topic: string, options: TableOptions<K, V>): GlobalKTable<K, V> {
    const storeName = options.storeName ?? `${topic}-GLOBAL-STORE`;
    this.ctx.builder.addGlobalStore({
      name: storeName,
      topic,
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
    });
    return new GlobalKTable(storeName, topic, options.keySerde, options.valueSerde);
  }

  /** A store for `KStream.process(..., { stores: [name] })`. */
  addStateStore<K, V>(options: StateStoreOptions<K, V>): this {
    this.ctx.builder.addStore(options);
    return this;
  }

  /** A window store for the Processor API: see `windowStoreSpec`. */
  addWindowStore<K, V>(spec: WindowStoreSpec<K, V>): this {
    this.ctx.builder.addStore(spec.storeOptions);
    return this;
  }

  /** Every problem that would stop `build()`, each naming the node, store or topic. */
  validate(): string[] {
    return [...this.ctx.problems, ...this.ctx.builder.validate()];
  }

  build(): Topology {
    const problems = this.validate();
    if (problems.length > 0) throw new TopologyError(`invalid topology:\n  - ${problems.join('\n  - ')}`);
    return this.ctx.builder.build();
  }
}
