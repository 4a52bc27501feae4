import type { ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serde/serde.js';
import type { NodeDefinition, Partitioner, SinkNodeDefinition, SourceNodeDefinition } from './node-definitions.js';
import type { GlobalStoreDefinition, StoreDefinition, StoreKind, StoreLayout } from './store-definition.js';
import { splitSubTopologies } from './split-sub-topologies.js';
import { TopologyError } from './topology-error.js';
import { Topology } from './topology.js';
import { externalTopic, type TopicRef } from './topic-ref.js';
import { findTopologyProblems } from './validate.js';

export interface SourceOptions<K, V> {
  readonly name: string;
  /** Topic names, or refs (internal topics are prefixed with the application id at run time). */
  readonly topics: ReadonlyArray<string | TopicRef>;
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
}

export interface ProcessorOptions<KIn, VIn, KOut, VOut> {
  readonly name: string;
  readonly supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>;
  readonly parents: readonly string[];
  readonly stores?: readonly string[];
}

export interface SinkOptions<K, V> {
  readonly name: string;
  readonly topic: string | TopicRef;
  readonly parents: readonly string[];
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly partitioner?: Partitioner<K, V>;
}

export interface StoreOptions<K, V> {
  readonly name: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly kind?: StoreKind;
  /** Back the store with a compacted changelog topic (default true). */
  readonly changelog?: boolean;
  /** For stores a typed view lays out over bytes (window stores, suppression buffers). */
  readonly layout?: StoreLayout;
}

export interface GlobalStoreOptions<K, V> {
  readonly name: string;
  readonly topic: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly kind?: StoreKind;
}

function toTopicRef(topic: string | TopicRef): TopicRef {
  return typeof topic === 'string' ? externalTopic(topic) : topic;
}

/**
 * Builds a processor graph through the Processor API (the DSL compiles into this too). Nodes may name
 * parents added later; everything is checked in `validate()`/`build()`, and every problem names the node.
 */
export class TopologyBuilder {
  private readonly nodes = new Map<string, NodeDefinition>();
  private readonly order: string[] = [];
  private readonly stores = new Map<string, StoreDefinition>();
  private readonly globalStores = new Map<string, GlobalStoreDefinition>();
  private readonly problems: string[] = [];

  addSource<K = Buffer | null, V = Buffer | null>(options: SourceOptions<K, V>): this {
    const node: SourceNodeDefinition = {
      kind: 'source',
      name: options.name,
      topics: options.topics.map(toTopicRef),
      keySerde: options.keySerde as Serde<unknown> | undefined,
      valueSerde: options.valueSerde as Serde<unknown> | undefined,
    };
    return this.addNode(node);
  }

  addProcessor<KIn, VIn, KOut, VOut>(options: ProcessorOptions<KIn, VIn, KOut, VOut>): this {
    return this.addNode({
      kind: 'processor',
      name: options.name,
      supplier: options.supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: [...options.parents],
      stores: [...(options.stores ?? [])],
    });
  }

  addSink<K, V>(options: SinkOptions<K, V>): this {
    const node: SinkNodeDefinition = {
      kind: 'sink',
      name: options.name,
      topic: toTopicRef(options.topic),
      parents: [...options.parents],
      keySerde: options.keySerde as Serde<unknown> | undefined,
      valueSerde: options.valueSerde as Serde<unknown> | undefined,
      partitioner: options.partitioner as Partitioner<unknown, unknown> | undefined,
    };
    return this.addNode(node);
  }

  addStore<K, V>(options: StoreOptions<K, V>): this {
    if (this.stores.has(options.name) || this.globalStores.has(options.name)) {
      this.problems.push(`store '${options.name}' is defined twice`);
      return this;
    }
    this.stores.set(options.name, {
      name: options.name,
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      kind: options.kind,
      changelog: options.changelog ?? true,
      ...(options.layout === undefined ? {} : { layout: options.layout }),
    });
    return this;
  }

  /** A global store holding all of `topic`, readable by any processor that names it. */
  addGlobalStore<K, V>(options: GlobalStoreOptions<K, V>): this {
    if (this.stores.has(options.name) || this.globalStores.has(options.name)) {
      this.problems.push(`store '${options.name}' is defined twice`);
      return this;
    }
    this.globalStores.set(options.name, {
      name: options.name,
      topic: options.topic,
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      kind: options.kind,
    });
    return this;
  }

  /** Gives an existing processor access to a store (the DSL adds stores after their processors). */
  connectStore(processorName: string, storeName: string): this {
    const node = this.nodes.get(processorName);
    if (node === undefined || node.kind !== 'processor') {
      this.problems.push(`store '${storeName}' is connected to '${processorName}', which is not a processor`);
      return this;
    }
    if (!node.stores.includes(storeName)) {
      this.nodes.set(processorName, { ...node, stores: [...node.stores, storeName] });
    }
    return this;
  }

  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  /** A node added so far (the DSL inspects its own graph, e.g. to see whether a stream comes from a repartition). */
  node(name: string): NodeDefinition | undefined {
    return this.nodes.get(name);
  }

  /** Every problem that would stop `build()`, each naming the node, store or topic. */
  validate(): string[] {
    return [...this.problems, ...findTopologyProblems(this.order.map((n) => this.nodes.get(n)!), this.stores, this.globalStores)];
  }

  build(): Topology {
    const problems = this.validate();
    if (problems.length > 0) {
      throw new TopologyError(`invalid topology:\n  - ${problems.join('\n  - ')}`);
    }
    const children = new Map<string, string[]>();
    for (const name of this.order) children.set(name, []);
    for (const name of this.order) {
      const node = this.nodes.get(name)!;
      if (node.kind === 'source') continue;
      for (const parent of node.parents) children.get(parent)!.push(name);
    }
    const nodes = new Map(this.order.map((n) => [n, this.nodes.get(n)!] as const));
    return new Topology(nodes, children, new Map(this.stores), splitSubTopologies(this.order, nodes, this.stores), new Map(this.globalStores));
  }

  private addNode(node: NodeDefinition): this {
    if (this.nodes.has(node.name)) {
      this.problems.push(`node name '${node.name}' is used twice`);
      return this;
    }
    this.nodes.set(node.name, node);
    this.order.push(node.name);
    return this;
  }
}
