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
import { GlobalKTable } from './global-ktable.js';
import { streamGlobalJoinProcessor } from './stream-global-join.js';
import { tableSourceProcessor } from './table-source-processor.js';
import type { StoreKind, StoreLayout } from '../topology/store-definition.js';
import type { Processor } from '../processor/processor.js';
import { bytesSerde } from '../serde/bytes-serde.js';
import { JoinWindows } from './join-windows.js';
import { StreamStreamJoinProcessor, type JoinSide, type SideValue, type StreamJoinKind } from './stream-stream-join-processor.js';
import { valueListSerde } from './value-list-serde.js';
import { windowStoreSpec } from './window-store-spec.js';
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

/** Serdes for a stream-stream join's stores (each side's records are kept for the join window). */
export interface StreamJoinedOptions<K, V, VO> extends StreamSerdes<K, V>, Named {
  readonly otherValueSerde?: Serde<VO>;
}

const UNMATCHED_JOIN_RECORDS: StoreLayout = {
  type: 'unmatched-join-records',
  summary: 'records of a left/outer stream-stream join still without a partner, ordered by window close',
  open: async (store) => store,
};

/** Marks each record with the join side it came from. */
function tagSide<K, V>(side: JoinSide): () => Processor<K, V, K, SideValue<V, V>> {
  return statelessProcessor<K, V, K, SideValue<V, V>>((record, context) =>
    context.forward({ key: record.key, value: { side, value: record.value }, timestamp: record.timestamp, headers: record.headers }),
  );
}

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

  /**
   * Inner join on the record key: with a table, each record joins the table's current row (records with
   * none are dropped); with another stream, records join the other stream's records within `windows`.
   */
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR, options?: Named): KStream<K, VR>;
  join<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO, key: K) => VR, windows: JoinWindows, options?: StreamJoinedOptions<K, V, VO>): KStream<K, VR>;
  join<KG, VG, VR>(global: GlobalKTable<KG, VG>, keySelector: (key: K, value: V) => KG, joiner: (value: V, globalValue: VG, key: K) => VR, options?: Named): KStream<K, VR>;
  join<VO, VR>(
    other: KTable<K, VO> | KStream<K, VO> | GlobalKTable<unknown, VO>,
    joiner: ((value: V, otherValue: VO, key: K) => VR) | ((key: K, value: V) => unknown),
    windowsOrOptions?: JoinWindows | Named | ((value: V, globalValue: VO, key: K) => VR),
    options: StreamJoinedOptions<K, V, VO> = {},
  ): KStream<K, VR> {
    if (other instanceof GlobalKTable) {
      const join = windowsOrOptions as (value: V, globalValue: VO, key: K) => VR;
      return this.joinGlobal('KSTREAM-JOIN', other, joiner as (key: K, value: V) => unknown, options, (v, g, k) => (g === undefined ? undefined : { value: join(v, g, k) }));
    }
    if (other instanceof KStream) {
      const join = joiner as (value: V, otherValue: VO, key: K) => VR;
      return this.joinStream('KSTREAM-JOIN', 'inner', other, (v, o, k) => join(v!, o!, k), windowsOrOptions as JoinWindows, options);
    }
    const join = joiner as (value: V, otherValue: VO, key: K) => VR;
    return this.joinTable(other, (windowsOrOptions ?? {}) as Named, 'KSTREAM-JOIN', (v, tv, k) => (tv === undefined ? undefined : { value: join(v, tv, k) }));
  }

  /** Left join: like `join`, but a record without a partner is joined with `undefined` (for streams: once its window has closed). */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | undefined, key: K) => VR, options?: Named): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO | undefined, key: K) => VR,
    windows: JoinWindows,
    options?: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin<KG, VG, VR>(
    global: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG,
    joiner: (value: V, globalValue: VG | undefined, key: K) => VR,
    options?: Named,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KTable<K, VO> | KStream<K, VO> | GlobalKTable<unknown, VO>,
    joiner: ((value: V, otherValue: VO | undefined, key: K) => VR) | ((key: K, value: V) => unknown),
    windowsOrOptions?: JoinWindows | Named | ((value: V, globalValue: VO | undefined, key: K) => VR),
    options: StreamJoinedOptions<K, V, VO> = {},
  ): KStream<K, VR> {
    if (other instanceof GlobalKTable) {
      const join = windowsOrOptions as (value: V, globalValue: VO | undefined, key: K) => VR;
      return this.joinGlobal('KSTREAM-LEFTJOIN', other, joiner as (key: K, value: V) => unknown, options, (v, g, k) => ({ value: join(v, g, k) }));
    }
    const join = joiner as (value: V, otherValue: VO | undefined, key: K) => VR;
    if (other instanceof KStream) {
      return this.joinStream('KSTREAM-LEFTJOIN', 'left', other, (v, o, k) => join(v!, o, k), windowsOrOptions as JoinWindows, options);
    }
    return this.joinTable(other, (windowsOrOptions ?? {}) as Named, 'KSTREAM-LEFTJOIN', (v, tv, k) => ({ value: join(v, tv, k) }));
  }

  private joinGlobal<KG, VG, VR>(
    prefix: string,
    global: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG,
    options: Named,
    join: (value: V, globalValue: VG | undefined, key: K) => { value: VR } | undefined,
  ): KStream<K, VR> {
    const name = this.ctx.nameFor(prefix, options.name);
    this.ctx.builder.addProcessor({
      name,
      parents: [this.nodeName],
      stores: [global.storeName],
      supplier: streamGlobalJoinProcessor<K, V, KG, VG, VR>(global.storeName, keySelector, join),
    });
    // No repartition: every task holds the whole global table, so the stream keeps its key and partitioning.
    return new KStream<K, VR>(this.ctx, name, { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  /** Outer join of two streams: every record once joined, or alone (with `undefined`) if it found no partner in its window. */
  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V | undefined, otherValue: VO | undefined, key: K) => VR,
    windows: JoinWindows,
    options: StreamJoinedOptions<K, V, VO> = {},
  ): KStream<K, VR> {
    return this.joinStream('KSTREAM-OUTERJOIN', 'outer', other, joiner, windows, options);
  }

  private joinStream<VO, VR>(
    prefix: string,
    kind: StreamJoinKind,
    other: KStream<K, VO>,
    joiner: (value: V | undefined, otherValue: VO | undefined, key: K) => VR,
    windows: JoinWindows,
    options: StreamJoinedOptions<K, V, VO>,
  ): KStream<K, VR> {
    const name = this.ctx.nameFor(prefix, options.name);
    const keySerde = runtimeSerde(options.keySerde ?? this.serdes.keySerde ?? other.serdes.keySerde);
    const thisValueSerde = runtimeSerde(options.valueSerde ?? this.serdes.valueSerde);
    const otherValueSerde = runtimeSerde(options.otherValueSerde ?? other.serdes.valueSerde);
    if (!(windows instanceof JoinWindows)) this.ctx.problems.push(`stream-stream join '${name}' needs JoinWindows`);
    if (keySerde === undefined || thisValueSerde === undefined || otherValueSerde === undefined) {
      this.ctx.problems.push(`stream-stream join '${name}' needs a key serde and both value serdes (its stores hold both streams): pass { keySerde, valueSerde, otherValueSerde }`);
    }
    const left = this.repartitionRequired ? this.repartition({ name: `${name}-this`, keySerde, valueSerde: thisValueSerde }) : this;
    const right = other.repartitionRequired ? other.repartition({ name: `${name}-other`, keySerde, valueSerde: otherValueSerde }) : other;
    const key = (keySerde ?? RAW_BYTES) as Serde<K>;
    const retentionMs = Math.max(1, windows.retentionMs);
    const store = <T>(side: string, valueSerde: Serde<T> | undefined) =>
      windowStoreSpec<K, T[]>({ name: `${name}-${side}-store`, keySerde: key, valueSerde: valueListSerde((valueSerde ?? RAW_BYTES) as Serde<T>), windowSizeMs: 1, retentionMs });
    const thisStore = store('this', thisValueSerde);
    const otherStore = store('other', otherValueSerde);
    const unmatchedStore = kind === 'inner' ? undefined : `${name}-unmatched-store`;
    this.ctx.builder
      .addProcessor({ name: `${name}-this`, parents: [left.nodeName], supplier: tagSide<K, V | VO>('this') })
      .addProcessor({ name: `${name}-other`, parents: [right.nodeName], supplier: tagSide<K, V | VO>('other') })
      .addProcessor({
        name,
        parents: [`${name}-this`, `${name}-other`],
        stores: [thisStore.name, otherStore.name, ...(unmatchedStore === undefined ? [] : [unmatchedStore])],
        supplier: () =>
          new StreamStreamJoinProcessor<K, V, VO, VR>({
            kind,
            windows,
            thisStore,
            otherStore,
            unmatchedStore,
            keySerde: key,
            thisValueSerde: (thisValueSerde ?? RAW_BYTES) as Serde<V>,
            otherValueSerde: (otherValueSerde ?? RAW_BYTES) as Serde<VO>,
            joiner,
          }),
      })
      .addStore(thisStore.storeOptions)
      .addStore(otherStore.storeOptions);
    if (unmatchedStore !== undefined) this.ctx.builder.addStore({ name: unmatchedStore, keySerde: bytesSerde, valueSerde: bytesSerde, layout: UNMATCHED_JOIN_RECORDS });
    return new KStream<K, VR>(this.ctx, name, { keySerde: this.serdes.keySerde ?? other.serdes.keySerde }, false);
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
