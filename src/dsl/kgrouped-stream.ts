import type { Serde } from '../serde/serde.js';
import type { StoreKind } from '../topology/store-definition.js';
import { aggregateProcessor } from './aggregate-processor.js';
import type { DslContext } from './dsl-context.js';
import { COUNT_SERDE, runtimeSerde } from './internal-serdes.js';
import type { StreamSerdes } from './kstream.js';
import { KTable } from './ktable.js';
import type { StreamTimeSource } from './stream-time.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';
import type { TimeWindows } from './windows.js';
import { SessionWindowedKStream } from './session-windowed-kstream.js';
import { SessionWindows } from './session-windows.js';
import type { SlidingWindows } from './sliding-windows.js';

/** Marks "no aggregate yet" for reduce: the first value of a key becomes its aggregate as it is. */
export const NO_AGGREGATE: unique symbol = Symbol('no aggregate yet');

export interface WindowedByOptions {
  /**
   * What moves stream time, which closes windows: the largest record timestamp seen (default, as Kafka
   * Streams), or the stream watermarks flowing with the records (exact, replayable results: see
   * `StreamTimeSource`).
   */
  readonly streamTime?: StreamTimeSource;
}

export interface Materialized<V> {
  /** Name of the aggregation node (a Kafka Streams-style default otherwise). */
  readonly name?: string;
  /** Store name (queryable under it); also names the changelog topic `<applicationId>-<store>-changelog`. */
  readonly storeName?: string;
  readonly valueSerde?: Serde<V>;
  readonly kind?: StoreKind;
}

/** A stream grouped by key, ready to be aggregated into a table. */
export class KGroupedStream<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    private readonly nodeName: string,
    private readonly serdes: StreamSerdes<K, V>,
  ) {}

  /** Aggregates per key and time window (tumbling or hopping `TimeWindows`), or per session of activity (`SessionWindows`). */
  windowedBy(windows: TimeWindows | SlidingWindows, options?: WindowedByOptions): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows, options: WindowedByOptions = {}): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    if (windows instanceof SessionWindows) return new SessionWindowedKStream(this.ctx, this.nodeName, this.serdes, windows);
    return new TimeWindowedKStream(this.ctx, this.nodeName, this.serdes, windows, options.streamTime ?? 'record-timestamps');
  }

  count(options: Omit<Materialized<number>, 'valueSerde'> = {}): KTable<K, number> {
    return this.aggregate(() => 0, (_key, _value, count) => count + 1, { ...options, valueSerde: COUNT_SERDE });
  }

  reduce(reducer: (aggregate: V, value: V) => V, options: Materialized<V> = {}): KTable<K, V> {
    // The first value of a key becomes its aggregate as it is; the marker never reaches the store.
    return this.aggregateWith<V>('KSTREAM-REDUCE', options, options.valueSerde ?? this.serdes.valueSerde, () => NO_AGGREGATE as V, (_key, value, aggregate) =>
      aggregate === (NO_AGGREGATE as V) ? value : reducer(aggregate, value),
    );
  }

  /** Folds each key's values into an aggregate, starting from `initializer()`; the table of aggregates, materialized and queryable. */
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, options: Materialized<VA> = {}): KTable<K, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', options, options.valueSerde, initializer, aggregator);
  }

  private aggregateWith<VA>(
    prefix: string,
    options: Materialized<VA>,
    valueSerde: Serde<VA> | undefined,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
  ): KTable<K, VA> {
    const name = this.ctx.nameFor(prefix, options.name);
    const storeName = options.storeName ?? `${name}-STATE-STORE`;
    const keySerde = runtimeSerde(this.serdes.keySerde);
    const storeValueSerde = runtimeSerde(valueSerde);
    if (keySerde === undefined || storeValueSerde === undefined) {
      this.ctx.problems.push(`aggregation '${name}' (store '${storeName}') needs a key serde and a value serde`);
    }
    this.ctx.builder.addProcessor({
      name,
      supplier: aggregateProcessor<K, V, VA>(storeName, initializer, aggregator),
      parents: [this.nodeName],
      stores: [storeName],
    });
    this.ctx.builder.addStore({
      name: storeName,
      keySerde: (keySerde ?? COUNT_SERDE) as Serde<K>,
      valueSerde: (storeValueSerde ?? COUNT_SERDE) as Serde<VA>,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
    });
    return new KTable<K, VA>(this.ctx, name, { name: storeName, type: 'key-value' }, { keySerde: this.serdes.keySerde, valueSerde });
  }
}
