import type { Serde } from '../serde/serde.js';
import type { StoreKind } from '../topology/store-definition.js';
import type { DslContext } from './dsl-context.js';
import { COUNT_SERDE, runtimeSerde } from './internal-serdes.js';
import type { StreamSerdes } from './kstream.js';
import { tableAggregateProcessor } from './ktable-processors.js';
import { KTable } from './ktable.js';
import type { Change } from './table-change.js';

export interface TableMaterialized<V> {
  /** Name of the aggregation node (a Kafka Streams-style default otherwise). */
  readonly name?: string;
  /** Store name (queryable under it); also names the changelog topic. */
  readonly storeName?: string;
  readonly valueSerde?: Serde<V>;
  readonly kind?: StoreKind;
}

/**
 * A table re-grouped by `KTable.groupBy` (Kafka Streams' `KGroupedTable`). An update of a row moves its
 * value between groups: the aggregations take a subtractor as well as an adder, and apply the old row's
 * subtraction and the new row's addition to the groups they belong to.
 */
export class KGroupedTable<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    private readonly nodeName: string,
    private readonly serdes: StreamSerdes<K, V>,
  ) {}

  count(options: Omit<TableMaterialized<number>, 'valueSerde'> = {}): KTable<K, number> {
    return this.aggregate(() => 0, (_k, _v, n) => n + 1, (_k, _v, n) => n - 1, { ...options, valueSerde: COUNT_SERDE });
  }

  /** Folds values in with `adder` and out with `subtractor`; a group whose aggregate is gone is deleted. */
  reduce(adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V, options: TableMaterialized<V> = {}): KTable<K, V> {
    return this.aggregateWith<V>('KTABLE-REDUCE', { ...options, valueSerde: options.valueSerde ?? this.serdes.valueSerde }, (_key, current, { oldValue, newValue }) => {
      const intermediate = oldValue === undefined || current === undefined ? current : subtractor(current, oldValue);
      if (newValue === undefined) return intermediate;
      return intermediate === undefined ? newValue : adder(intermediate, newValue);
    });
  }

  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    options: TableMaterialized<VA> = {},
  ): KTable<K, VA> {
    return this.aggregateWith('KTABLE-AGGREGATE', options, (key, current, { oldValue, newValue }) => {
      let aggregate = current === undefined ? initializer() : current;
      if (oldValue !== undefined) aggregate = subtractor(key, oldValue, aggregate);
      if (newValue !== undefined) aggregate = adder(key, newValue, aggregate);
      return aggregate;
    });
  }

  private aggregateWith<VA>(prefix: string, options: TableMaterialized<VA>, apply: (key: K, current: VA | undefined, change: Change<V>) => VA | undefined): KTable<K, VA> {
    const name = this.ctx.nameFor(prefix, options.name);
    const storeName = options.storeName ?? `${name}-STATE-STORE`;
    const keySerde = runtimeSerde(this.serdes.keySerde);
    const valueSerde = runtimeSerde(options.valueSerde);
    if (keySerde === undefined || valueSerde === undefined) {
      this.ctx.problems.push(`table aggregation '${name}' (store '${storeName}') needs a key serde and a value serde`);
    }
    this.ctx.builder.addProcessor({ name, parents: [this.nodeName], stores: [storeName], supplier: tableAggregateProcessor(storeName, apply) });
    this.ctx.builder.addStore({
      name: storeName,
      keySerde: (keySerde ?? COUNT_SERDE) as Serde<K>,
      valueSerde: (valueSerde ?? COUNT_SERDE) as Serde<VA>,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
    });
    return new KTable<K, VA>(this.ctx, name, { name: storeName, type: 'key-value' }, { keySerde: this.serdes.keySerde, valueSerde: options.valueSerde });
  }
}
