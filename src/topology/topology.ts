import { describeTopology, type DescribeOptions } from './describe.js';
import type { NodeDefinition, SourceNodeDefinition } from './node-definitions.js';
import type { GlobalStoreDefinition, StoreDefinition } from './store-definition.js';
import type { SubTopology } from './sub-topology.js';
import type { TopicRef } from './topic-ref.js';

/** A validated, immutable processor graph: what the task engine runs. Built by `TopologyBuilder`. */
export class Topology {
  constructor(
    readonly nodes: ReadonlyMap<string, NodeDefinition>,
    /** Children of each node, in the order they were attached. */
    readonly children: ReadonlyMap<string, readonly string[]>,
    readonly stores: ReadonlyMap<string, StoreDefinition>,
    readonly subTopologies: readonly SubTopology[],
    /** Global stores: not part of any sub-topology; every task of this instance may read them. */
    readonly globalStores: ReadonlyMap<string, GlobalStoreDefinition> = new Map(),
  ) {}

  node(name: string): NodeDefinition | undefined {
    return this.nodes.get(name);
  }

  childrenOf(name: string): readonly string[] {
    return this.children.get(name) ?? [];
  }

  /** The sub-topology whose sources read `topic`, if any. */
  subTopologyReading(topic: TopicRef): SubTopology | undefined {
    return this.subTopologies.find((sub) =>
      sub.sourceTopics.some((t) => t.name === topic.name && t.internal === topic.internal),
    );
  }

  sourceFor(topic: TopicRef): SourceNodeDefinition | undefined {
    for (const sub of this.subTopologies) {
      for (const source of sub.sources) {
        if (source.topics.some((t) => t.name === topic.name && t.internal === topic.internal)) return source;
      }
    }
    return undefined;
  }

  /** Every internal (repartition) topic the topology writes or reads. */
  internalTopics(): TopicRef[] {
    const seen = new Map<string, TopicRef>();
    for (const node of this.nodes.values()) {
      const topics = node.kind === 'source' ? node.topics : node.kind === 'sink' ? [node.topic] : [];
      for (const t of topics) if (t.internal) seen.set(t.name, t);
    }
    return [...seen.values()];
  }

  /** Text in the style of Kafka Streams' `Topology#describe()`, or a Mermaid flowchart. */
  describe(options: DescribeOptions = {}): string {
    return describeTopology(this, options);
  }
}
