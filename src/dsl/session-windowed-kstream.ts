import { bytesSerde } from '../serde/bytes-serde.js';
import type { Serde } from '../serde/serde.js';
import type { Windowed } from '../state/window-store.js';
import type { StoreKind, StoreLayout } from '../topology/store-definition.js';
import type { DslContext } from './dsl-context.js';
import { COUNT_SERDE, runtimeSerde } from './internal-serdes.js';
import type { StreamSerdes } from './kstream.js';
import { KTable } from './ktable.js';
import { openSessionStore, SessionWindowAggregateProcessor } from './session-window-aggregate-processor.js';
import type { SessionWindows } from './session-windows.js';
import { sessionWindowedSerde } from './windowed-serde.js';

export interface SessionMaterialized<V> {
  /** Name of the aggregation node (a Kafka Streams-style default otherwise). */
  readonly name?: string;
  /** Session store name; also names the changelog topic. */
  readonly storeName?: string;
  readonly valueSerde?: Serde<V>;
  readonly kind?: StoreKind;
  /** How long sessions are kept after their end, in stream time; default and minimum: gap + grace. */
  readonly retentionMs?: number;
}

const NO_AGGREGATE: unique symbol = Symbol('no aggregate yet');

/** A grouped stream with session windows (Kafka Streams' `SessionWindowedKStream`). */
export class SessionWindowedKStream<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    private readonly nodeName: string,
    private readonly serdes: StreamSerdes<K, V>,
    private readonly windows: SessionWindows,
  ) {}

  count(options: Omit<SessionMaterialized<number>, 'valueSerde'> = {}): KTable<Windowed<K>, number> {
    return this.aggregateWith('KSTREAM-AGGREGATE', { ...options, valueSerde: COUNT_SERDE }, () => 0, (_k, _v, n) => n + 1, (_k, a, b) => a + b);
  }

  reduce(reducer: (aggregate: V, value: V) => V, options: SessionMaterialized<V> = {}): KTable<Windowed<K>, V> {
    const first = NO_AGGREGATE as V;
    const combine = (a: V, b: V): V => (a === first ? b : b === first ? a : reducer(a, b));
    return this.aggregateWith<V>('KSTREAM-REDUCE', { ...options, valueSerde: options.valueSerde ?? this.serdes.valueSerde }, () => first, (_k, v, a) => combine(a, v), (_k, a, b) => combine(a, b));
  }

  /** Aggregates per session; `merger` combines two sessions' aggregates when a record bridges them. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: (key: K, left: VA, right: VA) => VA,
    options: SessionMaterialized<VA> = {},
  ): KTable<Windowed<K>, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', options, initializer, aggregator, merger);
  }

  private aggregateWith<VA>(
    prefix: string,
    options: SessionMaterialized<VA>,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: (key: K, left: VA, right: VA) => VA,
  ): KTable<Windowed<K>, VA> {
    const name = this.ctx.nameFor(prefix, options.name);
    const storeName = options.storeName ?? `${name}-STATE-STORE`;
    const keySerde = runtimeSerde(this.serdes.keySerde);
    const valueSerde = runtimeSerde(options.valueSerde);
    if (keySerde === undefined || valueSerde === undefined) {
      this.ctx.problems.push(`session aggregation '${name}' (store '${storeName}') needs a key serde and a value serde`);
    }
    const retentionMs = options.retentionMs ?? this.windows.minimumRetentionMs;
    if (retentionMs < this.windows.minimumRetentionMs) {
      this.ctx.problems.push(`session aggregation '${name}': retention ${retentionMs} ms is shorter than gap + grace (${this.windows.minimumRetentionMs} ms)`);
    }
    const store = {
      keySerde: (keySerde ?? COUNT_SERDE) as Serde<K>,
      valueSerde: (valueSerde ?? COUNT_SERDE) as Serde<VA>,
      retentionMs: Math.max(retentionMs, this.windows.minimumRetentionMs),
    };
    const layout: StoreLayout = {
      type: 'session',
      summary: `session store: gap ${this.windows.inactivityGapMs} ms, retention ${store.retentionMs} ms, key ${store.keySerde.name}, value ${store.valueSerde.name}`,
      open: (bytes) => openSessionStore(bytes, store),
    };
    const windows = this.windows;
    this.ctx.builder
      .addProcessor({
        name,
        parents: [this.nodeName],
        stores: [storeName],
        supplier: () => new SessionWindowAggregateProcessor<K, V, VA>({ storeName, store, windows, initializer, aggregator, merger }),
      })
      .addStore({ name: storeName, keySerde: bytesSerde, valueSerde: bytesSerde, layout, ...(options.kind === undefined ? {} : { kind: options.kind }) });
    return new KTable<Windowed<K>, VA>(
      this.ctx,
      name,
      undefined,
      { keySerde: keySerde === undefined ? undefined : sessionWindowedSerde(keySerde), valueSerde: options.valueSerde },
      { closeDelayMs: windows.inactivityGapMs + windows.graceMs, streamTime: 'record-timestamps', innerKeySerde: keySerde as Serde<unknown> | undefined },
    );
  }
}
