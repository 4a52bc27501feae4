import { bytesSerde } from '../serde/bytes-serde.js';
import type { Serde } from '../serde/serde.js';
import type { StoreLayout } from '../topology/store-definition.js';
import type { DslContext } from './dsl-context.js';
import { runtimeSerde } from './internal-serdes.js';
import { KStream, type Named, type StreamSerdes } from './kstream.js';
import { statelessProcessor } from './stateless-processors.js';
import type { StreamTimeSource } from './stream-time.js';
import { SuppressProcessor } from './suppress-processor.js';
import type { Suppressed } from './suppressed.js';
import type { Change } from './table-change.js';
import type { TimeWindows } from './windows.js';

/** What a windowed table (from `windowedBy(...).aggregate`) knows about its windows. */
export interface TableWindowing {
  readonly windows: TimeWindows;
  readonly streamTime: StreamTimeSource;
  /** The serde of the key inside `Windowed<K>`. */
  readonly innerKeySerde: Serde<unknown> | undefined;
}

/** How a table is held: in a key-value store, a window store, or not at all (only its updates flow). */
export interface TableStore {
  readonly name: string;
  readonly type: 'key-value' | 'window';
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
  ) {}

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
          graceMs: windowing?.windows.graceMs ?? 0,
          streamTime: windowing?.streamTime ?? 'record-timestamps',
        }),
    });
    this.ctx.builder.addStore({ name: storeName, keySerde: bytesSerde, valueSerde: bytesSerde, layout: SUPPRESSION_BUFFER });
    return new KTable<K, V>(this.ctx, name, undefined, this.serdes, this.windowing);
  }
}
