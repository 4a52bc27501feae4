import type { ProcessorSupplier } from '../processor/processor.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { Serde } from '../serde/serde.js';
import type { Partitioner } from '../topology/node-definitions.js';
import { internalTopic } from '../topology/topic-ref.js';
import { BranchedKStream } from './branched-kstream.js';
import type { DslContext } from './dsl-context.js';
import { RAW_BYTES, runtimeSerde } from './internal-serdes.js';
import { KGroupedStream } from './kgrouped-stream.js';
import type { KeyValuePair } from './key-value-pair.js';
import { KTable } from './ktable.js';
import { tableSourceProcessor } from './table-source-processor.js';
import type { StoreKind } from '../topology/store-definition.js';
import { streamTableJoinProcessor } from './stream-table-join.js';
import { statelessProcessor } from './stateless-processors.js';

export interface Named {
  /** Node name; a Kafka Streams-style default (`KSTREAM-FILTER-0000000003`) otherwise. */
  readonly name?: string;
}

export interface StreamSerdes<K, V> {
  readonly keySerde?: Serde<K> | undefined;
  readonly valueSerde?: Serde<V> | undefined;
}

export interface ProcessOptions extends Named {
  /** Stores the processor opens by name; define them with `StreamsBuilder.addStateStore`. */
  readonly stores?: readonly string[];
}

export interface ToOptions<K, V> extends StreamSerdes<K, V>, Named {
  readonly partitioner?: Partitioner<K, V>;
}

export interface RepartitionOptions<K, V> extends StreamSerdes<K, V>, Named {}

/** Serdes for grouping, and the name of the repartition topic (`<applicationId>-<name>-repartition`) if one is needed. */
export interface GroupedOptions<K, V> extends StreamSerdes<K, V>, Named {}

/** A record stream. Each operation adds a node and returns a new stream; nothing runs until the topology does. */
export class KStream<K, V> {
  /** @internal */
  constructor(
    protected readonly ctx: DslContext,
    /** The node whose output this stream is. */
    readonly nodeName: string,
    protected readonly serdes: StreamSerdes<K, V>,
    /** Set after a key change: grouping or joining first goes through a repartition topic. */
    protected readonly repartitionRequired: boolean,
  ) {}

  filter(predicate: (value: V, key: K) => boolean, options: Named = {}): KStream<K, V> {
    return this.stateless<K, V>('KSTREAM-FILTER', options, (r, c) => {
      if (predicate(r.value, r.key)) c.forward(r);
    }, this.serdes, this.repartitionRequired);
  }

  filterNot(predicate: (value: V, key: K) => boolean, options: Named = {}): KStream<K, V> {
    return this.stateless<K, V>('KSTREAM-FILTER', options, (r, c) => {
      if (!predicate(r.value, r.key)) c.forward(r);
    }, this.serdes, this.repartitionRequired);
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2, options: Named = {}): KStream<K, V2> {
    return this.stateless<K, V2>('KSTREAM-MAPVALUES', options, (r, c) => {
      c.forward({ key: r.key, value: mapper(r.value, r.key), timestamp: r.timestamp, headers: r.headers });
    }, { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  map<K2, V2>(mapper: (key: K, value: V) => KeyValuePair<K2, V2>, options: Named = {}): KStream<K2, V2> {
    return this.stateless<K2, V2>('KSTREAM-MAP', options, (r, c) => {
      const out = mapper(r.key, r.value);
      c.forward({ key: out.key, value: out.value, timestamp: r.timestamp, headers: r.headers });
    }, {}, true);
  }

  selectKey<K2>(selector: (value: V, key: K) => K2, options: Named = {}): KStream<K2, V> {
    return this.stateless<K2, V>('KSTREAM-KEY-SELECT', options, (r, c) => {
      c.forward({ key: selector(r.value, r.key), value: r.value, timestamp: r.timestamp, headers: r.headers });
    }, { valueSerde: this.serdes.valueSerde }, true);
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValuePair<K2, V2>>, options: Named = {}): KStream<K2, V2> {
    return this.stateless<K2, V2>('KSTREAM-FLATMAP', options, (r, c) => {
      for (const out of mapper(r.key, r.value)) c.forward({ key: out.key, value: out.value, timestamp: r.timestamp, headers: r.headers });
    }, {}, true);
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>, options: Named = {}): KStream<K, V2> {
    return this.stateless<K, V2>('KSTREAM-FLATMAPVALUES', options, (r, c) => {
      for (const value of mapper(r.value, r.key)) c.forward({ key: r.key, value, timestamp: r.timestamp, headers: r.headers });
    }, { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  peek(action: (value: V, key: K) => void, options: Named = {}): KStream<K, V> {
    return this.stateless<K, V>('KSTREAM-PEEK', options, (r, c) => {
      action(r.value, r.key);
      c.forward(r);
    }, this.serdes, this.repartitionRequired);
  }

  merge(other: KStream<K, V>, options: Named = {}): KStream<K, V> {
    const name = this.ctx.nameFor('KSTREAM-MERGE', options.name);
    this.ctx.builder.addProcessor({
      name,
      supplier: statelessProcessor<K, V, K, V>((r, c) => c.forward(r)),
      parents: [this.nodeName, other.nodeName],
    });
    const same = <T>(a: Serde<T> | undefined, b: Serde<T> | undefined) => (a === b ? a : undefined);
    return new KStream(this.ctx, name, {
      keySerde: same(this.serdes.keySerde, other.serdes.keySerde),
      valueSerde: same(this.serdes.valueSerde, other.serdes.valueSerde),
    }, this.repartitionRequired || other.repartitionRequired);
  }

  /** Routes each record to the first branch whose predicate it matches (see `BranchedKStream`). */
  split(options: Named = {}): BranchedKStream<K, V> {
    return new BranchedKStream(this.ctx, this.ctx.nameFor('KSTREAM-BRANCH', options.name), this, this.serdes, this.repartitionRequired);
  }

  /**
   * Applies an operator built elsewhere (e.g. `resequence(...)` from the CDC layer), so libraries can
   * add chainable steps without the DSL depending on them.
   */
  pipe<K2, V2>(operator: (stream: KStream<K, V>) => KStream<K2, V2>): KStream<K2, V2> {
    return operator(this);
  }

  /** The key serde this stream carries, if it still knows one. */
  get keySerde(): Serde<K> | undefined {
    return this.serdes.keySerde;
  }

  /** @internal The DSL state this stream belongs to, for operators built outside the DSL. */
  get dslContext(): DslContext {
    return this.ctx;
  }

  /** Runs a user processor (Processor API) with the named stores. Serdes downstream are unknown. */
  process<K2, V2>(supplier: ProcessorSupplier<K, V, K2, V2>, options: ProcessOptions = {}): KStream<K2, V2> {
    const name = this.ctx.nameFor('KSTREAM-PROCESSOR', options.name);
    this.ctx.builder.addProcessor({ name, supplier, parents: [this.nodeName], stores: options.stores ?? [] });
    return new KStream<K2, V2>(this.ctx, name, {}, false);
  }

  /** Writes the stream to an internal `<applicationId>-<name>-repartition` topic and reads it back. */
  repartition(options: RepartitionOptions<K, V> = {}): KStream<K, V> {
    const keySerde = options.keySerde ?? this.serdes.keySerde;
    const valueSerde = options.valueSerde ?? this.serdes.valueSerde;
    const base = this.ctx.nameFor('KSTREAM-REPARTITION', options.name);
    const topic = internalTopic(`${base}-repartition`);
    if (keySerde === undefined || valueSerde === undefined) {
      this.ctx.problems.push(
        `repartition '${base}' needs a key serde and a value serde (the stream's were lost by an earlier map): pass { keySerde, valueSerde }`,
      );
    }
    this.ctx.builder.addSink({
      name: `${base}-sink`,
      topic,
      parents: [this.nodeName],
      keySerde: runtimeSerde(keySerde),
      valueSerde: runtimeSerde(valueSerde),
    });
    this.ctx.builder.addSource({ name: `${base}-source`, topics: [topic], keySerde: runtimeSerde(keySerde), valueSerde: runtimeSerde(valueSerde) });
    return new KStream(this.ctx, `${base}-source`, { keySerde, valueSerde }, false);
  }

  to(topic: string, options: ToOptions<K, V> = {}): void {
    const name = this.ctx.nameFor('KSTREAM-SINK', options.name);
    const keySerde = options.keySerde ?? this.serdes.keySerde;
    const valueSerde = options.valueSerde ?? this.serdes.valueSerde;
    if (valueSerde === undefined) {
      this.ctx.problems.push(`sink '${name}' writing topic '${topic}' needs a value serde: pass { valueSerde } to to()`);
    }
    this.ctx.builder.addSink({
      name,
      topic,
      parents: [this.nodeName],
      keySerde: runtimeSerde(keySerde),
      valueSerde: runtimeSerde(valueSerde),
      ...(options.partitioner === undefined ? {} : { partitioner: options.partitioner }),
    });
  }

  /** Groups by the current key; after a key change the records first go through a repartition topic named after `name`. */
  groupByKey(options: GroupedOptions<K, V> = {}): KGroupedStream<K, V> {
    const serdes = { keySerde: options.keySerde ?? this.serdes.keySerde, valueSerde: options.valueSerde ?? this.serdes.valueSerde };
    const source = this.repartitionRequired ? this.repartition({ ...serdes, ...(options.name === undefined ? {} : { name: options.name }) }) : this;
    return new KGroupedStream(this.ctx, source.nodeName, serdes);
  }

  groupBy<K2>(selector: (value: V, key: K) => K2, options: GroupedOptions<K2, V> = {}): KGroupedStream<K2, V> {
    return this.selectKey(selector).groupByKey({ ...options, keySerde: options.keySerde, valueSerde: options.valueSerde ?? this.serdes.valueSerde });
  }

  /**
   * The stream read as a table's changelog: each record upserts its key (a null value deletes it), in a
   * store queryable as `storeName`. Needs the stream's key and value serdes.
   */
  toTable(options: Named & { readonly storeName?: string; readonly kind?: StoreKind } = {}): KTable<K, V> {
    const name = this.ctx.nameFor('KSTREAM-TOTABLE', options.name);
    const storeName = options.storeName ?? `${name}-STATE-STORE`;
    const keySerde = runtimeSerde(this.serdes.keySerde);
    const valueSerde = runtimeSerde(this.serdes.valueSerde);
    if (keySerde === undefined || valueSerde === undefined) {
      this.ctx.problems.push(`toTable '${name}' (store '${storeName}') needs the stream's key serde and value serde`);
    }
    const source = this.repartitionRequired ? this.repartition() : this;
    this.ctx.builder
      .addProcessor({ name, parents: [source.nodeName], stores: [storeName], supplier: tableSourceProcessor<K, V>(storeName) })
      .addStore({
        name: storeName,
        keySerde: (keySerde ?? RAW_BYTES) as Serde<K>,
        valueSerde: (valueSerde ?? RAW_BYTES) as Serde<V>,
        ...(options.kind === undefined ? {} : { kind: options.kind }),
      });
    return new KTable<K, V>(this.ctx, name, { name: storeName, type: 'key-value' }, this.serdes);
  }

  /** Inner join with a table on the record key: records with no table value are dropped. */
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR, options: Named = {}): KStream<K, VR> {
    return this.joinTable(table, options, 'KSTREAM-JOIN', (v, tv, k) => (tv === undefined ? undefined : { value: joiner(v, tv, k) }));
  }

  /** Left join with a table: records with no table value are joined with `undefined`. */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | undefined, key: K) => VR, options: Named = {}): KStream<K, VR> {
    return this.joinTable(table, options, 'KSTREAM-LEFTJOIN', (v, tv, k) => ({ value: joiner(v, tv, k) }));
  }

  private joinTable<VT, VR>(
    table: KTable<K, VT>,
    options: Named,
    prefix: string,
    join: (value: V, tableValue: VT | undefined, key: K) => { value: VR } | undefined,
  ): KStream<K, VR> {
    const source = this.repartitionRequired ? this.repartition({ keySerde: table.keySerde }) : this;
    const name = this.ctx.nameFor(prefix, options.name);
    const getter = table.getter;
    if (getter === undefined) {
      this.ctx.problems.push(`stream-table join '${name}': the table from '${table.nodeName}' cannot be read by key (a windowed or suppressed table)`);
    }
    this.ctx.builder.addProcessor({
      name,
      supplier: streamTableJoinProcessor(getter ?? { stores: [], bind: () => ({ get: async () => undefined, prefetch: async () => undefined }) }, join),
      parents: [source.nodeName],
      stores: [...(getter?.stores ?? [])],
    });
    return new KStream<K, VR>(this.ctx, name, { keySerde: this.serdes.keySerde ?? table.keySerde }, false);
  }

  /** @internal */
  protected stateless<K2, V2>(
    prefix: string,
    options: Named,
    handle: (record: StreamRecord<K, V>, context: { forward(record: StreamRecord<K2, V2>): void }) => void,
    serdes: StreamSerdes<K2, V2>,
    repartitionRequired: boolean,
  ): KStream<K2, V2> {
    const name = this.ctx.nameFor(prefix, options.name);
    this.ctx.builder.addProcessor({ name, supplier: statelessProcessor<K, V, K2, V2>(handle), parents: [this.nodeName] });
    return new KStream<K2, V2>(this.ctx, name, serdes, repartitionRequired);
  }
}
