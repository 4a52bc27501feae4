import { physicalTopicName } from './topic-ref.js';
import type { Topology } from './topology.js';

export interface TopologyGraphNode {
  readonly name: string;
  readonly kind: 'source' | 'processor' | 'sink';
  readonly subTopology: number;
  /** Physical names of the topics a source reads or a sink writes. */
  readonly topics: readonly string[];
  readonly stores: readonly string[];
  readonly parents: readonly string[];
  readonly children: readonly string[];
}

export interface TopologyGraphTopic {
  /** The physical name (internal topics carry the application id). */
  readonly name: string;
  /** The name in the topology, as `describe` prints it. */
  readonly logicalName: string;
  readonly internal: boolean;
  /** Source nodes reading it and sink nodes writing it. */
  readonly readBy: readonly string[];
  readonly writtenBy: readonly string[];
}

export interface TopologyGraphStore {
  readonly name: string;
  readonly changelog: boolean;
  readonly processors: readonly string[];
}

/**
 * The processor graph as data: the same sub-topologies, nodes, topics and stores as `describe`, with
 * physical topic names, for tools that draw it (the ops dashboard).
 */
export interface TopologyGraph {
  readonly subTopologies: ReadonlyArray<{ readonly id: number; readonly nodes: readonly string[] }>;
  readonly nodes: readonly TopologyGraphNode[];
  readonly topics: readonly TopologyGraphTopic[];
  readonly stores: readonly TopologyGraphStore[];
}

export function topologyGraph(topology: Topology, applicationId: string): TopologyGraph {
  const nodes: TopologyGraphNode[] = [];
  const topics = new Map<string, { name: string; logicalName: string; internal: boolean; readBy: string[]; writtenBy: string[] }>();
  const topic = (name: string, logicalName: string, internal: boolean) => {
    let entry = topics.get(name);
    if (entry === undefined) {
      entry = { name, logicalName, internal, readBy: [], writtenBy: [] };
      topics.set(name, entry);
    }
    return entry;
  };
  const stores = new Map<string, string[]>();
  for (const sub of topology.subTopologies) {
    for (const name of sub.nodeNames) {
      const node = topology.node(name);
      if (node === undefined) continue;
      const refs = node.kind === 'source' ? node.topics : node.kind === 'sink' ? [node.topic] : [];
      const physical = refs.map((t) => physicalTopicName(t, applicationId));
      refs.forEach((t, i) => {
        const entry = topic(physical[i]!, t.name, t.internal);
        (node.kind === 'source' ? entry.readBy : entry.writtenBy).push(name);
      });
      const nodeStores = node.kind === 'processor' ? node.stores : [];
      for (const store of nodeStores) stores.set(store, [...(stores.get(store) ?? []), name]);
      nodes.push({
        name,
        kind: node.kind,
        subTopology: sub.id,
        topics: physical,
        stores: nodeStores,
        parents: node.kind === 'source' ? [] : node.parents,
        children: topology.childrenOf(name),
      });
    }
  }
  return {
    subTopologies: topology.subTopologies.map((sub) => ({ id: sub.id, nodes: sub.nodeNames })),
    nodes,
    topics: [...topics.values()],
    stores: [...stores].map(([name, processors]) => ({ name, changelog: topology.stores.get(name)?.changelog ?? false, processors })),
  };
}
