import { bytesSerde } from '../serde/bytes-serde.js';
import type { Serde } from '../serde/serde.js';
import type { StoreKind, StoreLayout } from '../topology/store-definition.js';
import { internalTopic } from '../topology/topic-ref.js';
import type { DslContext } from './dsl-context.js';
import { groupedChangeSerde } from './grouped-change-serde.js';
import { runtimeSerde } from './internal-serdes.js';
import { KGroupedTable } from './kgrouped-table.js';
import type { KeyValuePair } from './key-value-pair.js';
import { KStream, type GroupedOptions, type Named, type StreamSerdes } from './kstream.js';
import { tableDeriveProcessor, tableGroupByProcessor, tableJoinSideProcessor, tableMaterializeProcessor } from './ktable-processors.js';
import { statelessProcessor } from './stateless-processors.js';
import { derivedValueGetter, joinedValueGetter, storeValueGetter, type TableValueGetter } from './table-value-getter.js';
import type { StreamTimeSource } from './stream-time.js';
import { SuppressProcessor } from './suppress-processor.js';
import type { Suppressed } from './suppressed.js';
import type { Change } from './table-change.js';

/** What a windowed table (from `windowedBy(...).aggregate`) knows about its windows. */
export interface TableWindowing {
  /** How long after a window's end (in stream time) it closes: the grace, plus the inactivity gap for sessions. */
  readonly closeDelayMs: number;
  readonly streamTime: StreamTimeSource;
  /** The serde of the key inside `Windowed<K>`. */
  readonly innerKeySerde: Serde<unknown> | undefined;
}

/** How a table is held: in a key-value store, a window store, or not at all (only its updates flow). */
export interface TableStore {
  readonly name: string;
  readonly type: 'key-value' | 'window';
}

/** Naming and materializing a derived table: with `storeName` it gets a store of its own, queryable under that name. */
export interface DerivedTableOptions<V> extends Named {
  readonly storeName?: string;
  /** The value serde the store needs; filter keeps the table's, mapValues and joins need one given. */
  readonly valueSerde?: Serde<V>;
  readonly kind?: StoreKind;
}

const SUPPRESSION_BUFFER: StoreLayout = {
  type: 'suppression-buffer',
  summary: 'suppression buffer: latest update per window, ordered by window end',
  open: async (store) => store,
};

/**
 * A changelog stream seen as a table: the latest value per key. Its nodes forward `Change`s (new and old
 * value), which `toStream()` turns back into plain records.
 */
export class KTable<K, V> {
  /** @internal */
  constructor(
    protected readonly ctx: DslContext,
    /** The node that emits the table's updates. */
    readonly nodeName: string,
    /** @internal Where the table is materialized, if it is. */
    readonly store: TableStore | undefined,
    protected readonly serdes: StreamSerdes<K, V>,
    /** @internal Set on windowed tables. */
    readonly windowing?: TableWindowing,
    /** @internal How processors read the table's current values (undefined: they cannot). */
    getter?: TableValueGetter<K, V>,
  ) {
    this.getter = getter ?? (store?.type === 'key-value' ? storeValueGetter<K, V>(store.name) : undefined);
  }

  /** @internal */
  readonly getter: TableValueGetter<K, V> | undefined;

  get keySerde(): Serde<K> | undefined {
    return this.serdes.keySerde;
  }

  get valueSerde(): Serde<V> | undefined {
    return this.serdes.valueSerde;
  }

  /** The key-value store holding the table, which stream-table joins read and queries ask; undefined if none. */
  get storeName(): string | undefined {
    return this.store?.type === 'key-value' ? this.store.name : undefined;
  }

  /** The store interactive queries (`/stores/<name>/<key>`, `cdc-streams query`) can ask, if any. */
  get queryableStoreName(): string | undefined {
    return this.store?.name;
  }

  /** The table's updates as a stream: each change becomes a record of its new value (null for a delete). */
  toStream(options: Named = {}): KStream<K, V> {
    const name = this.ctx.nameFor('KTABLE-TOSTREAM', options.name);
    this.ctx.builder.addProcessor({
      name,
      supplier: statelessProcessor<K, Change<V>, K, V | null>((record, context) =>
        context.forward({ key: record.key, value: record.value.newValue ?? null, timestamp: record.timestamp, headers: record.headers }),
      ),
      parents: [this.nodeName],
    });
    return new KStream<K, V>(this.ctx, name, this.serdes, false);
  }

  /** The rows whose value matches `predicate`; a row that stops matching is deleted from the result. */
  filter(predicate: (value: V, key: K) => boolean, options: DerivedTableOptions<V> = {}): KTable<K, V> {
    return this.derive('KTABLE-FILTER', (v, k) => (predicate(v, k) ? v : undefined), { ...options, valueSerde: options.valueSerde ?? this.serdes.valueSerde }, this.serdes.valueSerde);
  }

  filterNot(predicate: (value: V, key: K) => boolean, options: DerivedTableOptions<V> = {}): KTable<K, V> {
    return this.filter((v, k) => !predicate(v, k), options);
  }

  /** Each row's value mapped; the key (and so the partitioning) stays. */
  mapValues<VR>(mapper: (value: V, key: K) => VR, options: DerivedTableOptions<VR> = {}): KTable<K, VR> {
    return this.derive('KTABLE-MAPVALUES', (v, k) => mapper(v, k), options, options.valueSerde);
  }

  /**
   * Re-groups the rows under new keys (through a repartition topic) for `count`, `reduce` or
   * `aggregate` with a subtractor: when a row changes, its old value leaves its old group.
   */
  groupBy<K2, V2>(selector: (value: V, key: K) => KeyValuePair<K2, V2>, options: GroupedOptions<K2, V2> = {}): KGroupedTable<K2, V2> {
    const name = this.ctx.nameFor('KTABLE-GROUPBY', options.name);
    const keySerde = runtimeSerde(options.keySerde);
    const valueSerde = runtimeSerde(options.valueSerde);
    if (keySerde === undefined || valueSerde === undefined) {
      this.ctx.problems.push(`table groupBy '${name}' needs { keySerde, valueSerde } for its repartition topic`);
    }
    const topic = internalTopic(`${name}-repartition`);
    const changeSerde = groupedChangeSerde((valueSerde ?? bytesSerde) as Serde<V2>);
    this.ctx.builder
      .addProcessor({ name, parents: [this.nodeName], supplier: tableGroupByProcessor(selector, keySerde) })
      .addSink({ name: `${name}-sink`, topic, parents: [name], keySerde, valueSerde: changeSerde })
      .addSource({ name: `${name}-source`, topics: [topic], keySerde, valueSerde: changeSerde });
    return new KGroupedTable<K2, V2>(this.ctx, `${name}-source`, { keySerde: options.keySerde, valueSerde: options.valueSerde });
  }

  /** Inner join with another table on the key (co-partitioned): a row where both tables have the key. */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO) => VR, options: DerivedTableOptions<VR> = {}): KTable<K, VR> {
    return this.joinTables('KTABLE-JOIN', other, (v, o) => (v === undefined || o === undefined ? undefined : joiner(v, o)), options);
  }

  /** Left join: a row for every key of this table, joined with `undefined` where the other has none. */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | undefined) => VR, options: DerivedTableOptions<VR> = {}): KTable<K, VR> {
    return this.joinTables('KTABLE-LEFTJOIN', other, (v, o) => (v === undefined ? undefined : joiner(v, o)), options);
  }

  /** Outer join: a row for every key of either table. */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | undefined, otherValue: VO | undefined) => VR, options: DerivedTableOptions<VR> = {}): KTable<K, VR> {
    return this.joinTables('KTABLE-OUTERJOIN', other, (v, o) => (v === undefined && o === undefined ? undefined : joiner(v, o)), options);
  }

  private joinTables<VO, VR>(
    prefix: string,
    other: KTable<K, VO>,
    combine: (value: V | undefined, otherValue: VO | undefined) => VR | undefined,
    options: DerivedTableOptions<VR>,
  ): KTable<K, VR> {
    const name = this.ctx.nameFor(prefix, options.name);
    if (this.getter === undefined || other.getter === undefined) {
      this.ctx.problems.push(`table join '${name}': both tables must be readable by key (a windowed or suppressed table is not)`);
    }
    const mine = this.getter ?? storeValueGetter<K, V>('');
    const theirs = other.getter ?? storeValueGetter<K, VO>('');
    const storeName = this.materializedStore(name, options, options.valueSerde);
    this.ctx.builder
      .addProcessor({ name: `${name}-this`, parents: [this.nodeName], stores: [...theirs.stores], supplier: tableJoinSideProcessor(theirs, combine) })
      .addProcessor({
        name: `${name}-other`,
        parents: [other.nodeName],
        stores: [...mine.stores],
        supplier: tableJoinSideProcessor<K, VO, V, VR>(mine, (o, v) => combine(v, o)),
      })
      .addProcessor({
        name,
        parents: [`${name}-this`, `${name}-other`],
        stores: storeName === undefined ? [] : [storeName],
        supplier: tableMaterializeProcessor<K, VR>(storeName),
      });
    return new KTable<K, VR>(
      this.ctx,
      name,
      storeName === undefined ? undefined : { name: storeName, type: 'key-value' },
      { keySerde: this.serdes.keySerde, valueSerde: options.valueSerde },
      undefined,
      storeName === undefined ? joinedValueGetter(mine, theirs, combine) : undefined,
    );
  }

  private derive<VR>(prefix: string, derive: (value: V, key: K) => VR | undefined, options: DerivedTableOptions<VR>, valueSerde: Serde<VR> | undefined): KTable<K, VR> {
    const name = this.ctx.nameFor(prefix, options.name);
    const storeName = this.materializedStore(name, options, valueSerde);
    this.ctx.builder.addProcessor({
      name,
      parents: [this.nodeName],
      stores: storeName === undefined ? [] : [storeName],
      supplier: tableDeriveProcessor(derive, storeName),
    });
    const getter = storeName === undefined && this.getter !== undefined ? derivedValueGetter(this.getter, derive) : undefined;
    return new KTable<K, VR>(
      this.ctx,
      name,
      storeName === undefined ? undefined : { name: storeName, type: 'key-value' },
      { keySerde: this.serdes.keySerde, valueSerde },
      this.windowing,
      getter,
    );
  }

  /** Adds the store a derived table asked for with `storeName`, or returns undefined. */
  private materializedStore<VR>(name: string, options: DerivedTableOptions<VR>, valueSerde: Serde<VR> | undefined): string | undefined {
    if (options.storeName === undefined) return undefined;
    const keySerde = runtimeSerde(this.serdes.keySerde);
    const storeValueSerde = runtimeSerde(valueSerde);
    if (keySerde === undefined || storeValueSerde === undefined) {
      this.ctx.problems.push(`table '${name}' (store '${options.storeName}') needs a key serde and a value serde to be materialized`);
    }
    this.ctx.builder.addStore({
      name: options.storeName,
      keySerde: (keySerde ?? bytesSerde) as Serde<K>,
      valueSerde: (storeValueSerde ?? bytesSerde) as Serde<VR>,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
    });
    return options.storeName;
  }

  /**
   * Holds a windowed table's updates back and emits one final result per window once it has closed
   * (stream time at or past its end plus grace), in window-end order. Needs the key and value serdes
   * of the aggregation: the buffer is a store.
   */
  suppress(suppressed: Suppressed): KTable<K, V> {
    const name = this.ctx.nameFor('KTABLE-SUPPRESS', suppressed.name);
    const storeName = `${name}-store`;
    const windowing = this.windowing;
    const keySerde = windowing?.innerKeySerde;
    const valueSerde = runtimeSerde(this.serdes.valueSerde);
    if (windowing === undefined) {
      this.ctx.problems.push(`suppress '${name}': untilWindowCloses needs a windowed table (groupByKey().windowedBy(...).aggregate(...))`);
    } else if (keySerde === undefined || valueSerde === undefined) {
      this.ctx.problems.push(`suppress '${name}' (store '${storeName}') needs the aggregation's key serde and value serde`);
    }
    this.ctx.builder.addProcessor({
      name,
      parents: [this.nodeName],
      stores: [storeName],
      supplier: () =>
        new SuppressProcessor({
          storeName,
          keySerde: keySerde ?? bytesSerde,
          valueSerde: (valueSerde ?? bytesSerde) as Serde<unknown>,
          graceMs: windowing?.closeDelayMs ?? 0,
          streamTime: windowing?.streamTime ?? 'record-timestamps',
        }),
    });
    this.ctx.builder.addStore({ name: storeName, keySerde: bytesSerde, valueSerde: bytesSerde, layout: SUPPRESSION_BUFFER });
    return new KTable<K, V>(this.ctx, name, undefined, this.serdes, this.windowing);
  }
}
