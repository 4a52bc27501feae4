import type { Serde } from '../serde/serde.js';
import type { Windowed } from '../state/window-store.js';
import type { StoreKind } from '../topology/store-definition.js';
import type { DslContext } from './dsl-context.js';
import { COUNT_SERDE, runtimeSerde } from './internal-serdes.js';
import type { StreamSerdes } from './kstream.js';
import { KTable } from './ktable.js';
import type { StreamTimeSource } from './stream-time.js';
import { WindowAggregateProcessor } from './window-aggregate-processor.js';
import { windowStoreSpec } from './window-store-spec.js';
import { timeWindowedSerde } from './windowed-serde.js';
import type { TimeWindows } from './windows.js';
import { SlidingWindows } from './sliding-windows.js';
import { SlidingWindowAggregateProcessor } from './sliding-window-aggregate-processor.js';
import { valueListSerde } from './value-list-serde.js';
import { watermarkScopeOf } from './watermark-scope.js';

export interface WindowedMaterialized<V> {
  /** Name of the aggregation node (a Kafka Streams-style default otherwise). */
  readonly name?: string;
  /** Window store name; also names the changelog topic `<applicationId>-<store>-changelog`. */
  readonly storeName?: string;
  readonly valueSerde?: Serde<V>;
  readonly kind?: StoreKind;
  /** How long windows are kept after their start, in stream time; default and minimum: size + grace. */
  readonly retentionMs?: number;
}

const NO_AGGREGATE: unique symbol = Symbol('no aggregate yet');

/** A grouped stream with time windows (Kafka Streams' `TimeWindowedKStream`), ready to aggregate per key and window. */
export class TimeWindowedKStream<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    private readonly nodeName: string,
    private readonly serdes: StreamSerdes<K, V>,
    private readonly windows: TimeWindows | SlidingWindows,
    private readonly streamTime: StreamTimeSource,
  ) {}

  count(options: Omit<WindowedMaterialized<number>, 'valueSerde'> = {}): KTable<Windowed<K>, number> {
    return this.aggregateWith('KSTREAM-AGGREGATE', { ...options, valueSerde: COUNT_SERDE }, () => 0, (_key, _value, count) => count + 1);
  }

  reduce(reducer: (aggregate: V, value: V) => V, options: WindowedMaterialized<V> = {}): KTable<Windowed<K>, V> {
    return this.aggregateWith<V>('KSTREAM-REDUCE', { ...options, valueSerde: options.valueSerde ?? this.serdes.valueSerde }, () => NO_AGGREGATE as V, (_key, value, aggregate) =>
      aggregate === (NO_AGGREGATE as V) ? value : reducer(aggregate, value),
    );
  }

  /** Folds the values of each key and window into an aggregate, starting from `initializer()` per window. */
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, options: WindowedMaterialized<VA> = {}): KTable<Windowed<K>, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', options, initializer, aggregator);
  }

  private aggregateWith<VA>(
    prefix: string,
    options: WindowedMaterialized<VA>,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
  ): KTable<Windowed<K>, VA> {
    const name = this.ctx.nameFor(prefix, options.name);
    const storeName = options.storeName ?? `${name}-STATE-STORE`;
    const keySerde = runtimeSerde(this.serdes.keySerde);
    const valueSerde = runtimeSerde(options.valueSerde);
    if (keySerde === undefined || valueSerde === undefined) {
      this.ctx.problems.push(`windowed aggregation '${name}' (store '${storeName}') needs a key serde and a value serde`);
    }
    const retentionMs = options.retentionMs ?? this.windows.minimumRetentionMs;
    if (retentionMs < this.windows.minimumRetentionMs) {
      this.ctx.problems.push(
        `windowed aggregation '${name}': retention ${retentionMs} ms is shorter than window size + grace (${this.windows.minimumRetentionMs} ms)`,
      );
    }
    if (this.windows instanceof SlidingWindows) {
      return this.slidingAggregate(name, storeName, options, initializer, aggregator, Math.max(retentionMs, this.windows.minimumRetentionMs), this.windows);
    }
    const store = windowStoreSpec<K, VA>({
      name: storeName,
      keySerde: keySerde ?? (COUNT_SERDE as unknown as Serde<K>),
      valueSerde: valueSerde ?? (COUNT_SERDE as unknown as Serde<VA>),
      windowSizeMs: this.windows.sizeMs,
      retentionMs: Math.max(retentionMs, this.windows.minimumRetentionMs),
      // Watermarks may lag behind the windows records have opened: only they may expire windows then.
      ...(this.streamTime === 'watermarks' ? { streamTime: 'advanced' as const } : {}),
      ...(options.kind === undefined ? {} : { kind: options.kind }),
    });
    const windows = this.windows;
    const streamTime = this.streamTime;
    const scope = watermarkScopeOf(this.ctx, this.nodeName);
    this.ctx.builder.addProcessor({
      name,
      parents: [this.nodeName],
      stores: [storeName],
      supplier: () => new WindowAggregateProcessor<K, V, VA>({ store, windows, streamTime, scope, initializer, aggregator }),
    });
    this.ctx.builder.addStore(store.storeOptions);
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      name,
      { name: storeName, type: 'window' },
      { keySerde: keySerde === undefined ? undefined : timeWindowedSerde(keySerde, windows.sizeMs), valueSerde: options.valueSerde },
      { closeDelayMs: windows.graceMs, streamTime, innerKeySerde: keySerde as Serde<unknown> | undefined },
    );
  }

  private slidingAggregate<VA>(
    name: string,
    storeName: string,
    options: WindowedMaterialized<VA>,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    retentionMs: number,
    windows: SlidingWindows,
  ): KTable<Windowed<K>, VA> {
    const keySerde = runtimeSerde(this.serdes.keySerde);
    const valueSerde = runtimeSerde(options.valueSerde);
    const recordSerde = runtimeSerde(this.serdes.valueSerde);
    if (recordSerde === undefined) this.ctx.problems.push(`sliding-window aggregation '${name}' needs the stream's value serde: it keeps the records`);
    if (this.streamTime === 'watermarks') this.ctx.problems.push(`sliding-window aggregation '${name}': stream time from watermarks is supported for time windows only`);
    const key = keySerde ?? (COUNT_SERDE as unknown as Serde<K>);
    const aggregates = windowStoreSpec<K, VA>({
      name: storeName,
      keySerde: key,
      valueSerde: valueSerde ?? (COUNT_SERDE as unknown as Serde<VA>),
      windowSizeMs: windows.timeDifferenceMs,
      retentionMs,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
    });
    const records = windowStoreSpec<K, V[]>({
      name: `${storeName}-records`,
      keySerde: key,
      valueSerde: valueListSerde((recordSerde ?? COUNT_SERDE) as Serde<V>),
      windowSizeMs: 1,
      retentionMs,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
    });
    this.ctx.builder
      .addProcessor({
        name,
        parents: [this.nodeName],
        stores: [aggregates.name, records.name],
        supplier: () => new SlidingWindowAggregateProcessor<K, V, VA>({ windows, aggregates, records, initializer, aggregator }),
      })
      .addStore(aggregates.storeOptions)
      .addStore(records.storeOptions);
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      name,
      { name: storeName, type: 'window' },
      { keySerde: keySerde === undefined ? undefined : timeWindowedSerde(keySerde, windows.timeDifferenceMs), valueSerde: options.valueSerde },
      { closeDelayMs: windows.graceMs, streamTime: 'record-timestamps', innerKeySerde: keySerde as Serde<unknown> | undefined },
    );
  }
}
