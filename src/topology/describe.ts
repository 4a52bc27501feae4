import type { Topology } from './topology.js';
import { physicalTopicName, type TopicRef } from './topic-ref.js';

export interface DescribeOptions {
  readonly format?: 'text' | 'mermaid';
  /** Names internal topics as they are on the broker, `<applicationId>-<name>`; without it, by their name in the topology. */
  readonly applicationId?: string;
}

export function describeTopology(topology: Topology, options: DescribeOptions): string {
  const name = (topic: TopicRef): string => (options.applicationId === undefined ? topic.name : physicalTopicName(topic, options.applicationId));
  return options.format === 'mermaid' ? describeAsMermaid(topology, name) : describeAsText(topology, name);
}

function describeAsText(topology: Topology, topicName: (topic: TopicRef) => string): string {
  const lines: string[] = ['Topologies:'];
  for (const global of topology.globalStores.values()) {
    lines.push(`   Global store: ${global.name} (topic: ${global.topic}, read whole by every instance)`, '');
  }
  for (const sub of topology.subTopologies) {
    lines.push(`   Sub-topology: ${sub.id}`);
    for (const name of sub.nodeNames) {
      const node = topology.nodes.get(name);
      if (node === undefined) continue;
      const children = topology.childrenOf(name);
      if (node.kind === 'source') {
        lines.push(`    Source: ${name} (topics: [${node.topics.map(topicName).join(', ')}])`);
      } else if (node.kind === 'processor') {
        lines.push(`    Processor: ${name} (stores: [${node.stores.join(', ')}])`);
      } else {
        lines.push(`    Sink: ${name} (topic: ${topicName(node.topic)})`);
      }
      if (node.kind !== 'sink') lines.push(`      --> ${children.length === 0 ? 'none' : children.join(', ')}`);
      if (node.kind !== 'source') lines.push(`      <-- ${node.parents.join(', ')}`);
    }
    for (const store of sub.stores) {
      const layout = topology.stores.get(store)?.layout;
      if (layout !== undefined) lines.push(`    Store: ${store} (${layout.summary})`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function describeAsMermaid(topology: Topology, topicName: (topic: TopicRef) => string): string {
  const lines: string[] = ['flowchart TD'];
  const topics = new Map<string, TopicRef>();
  for (const sub of topology.subTopologies) {
    lines.push(`  subgraph sub${sub.id}["Sub-topology ${sub.id}"]`);
    for (const name of sub.nodeNames) {
      const node = topology.nodes.get(name);
      if (node === undefined) continue;
      const id = mermaidId(name);
      if (node.kind === 'source') lines.push(`    ${id}[/"${name}"/]`);
      else if (node.kind === 'sink') lines.push(`    ${id}[\\"${name}"\\]`);
      else lines.push(`    ${id}["${name}"]`);
    }
    lines.push('  end');
  }
  for (const sub of topology.subTopologies) {
    for (const name of sub.nodeNames) {
      const node = topology.nodes.get(name);
      if (node === undefined) continue;
      for (const child of topology.childrenOf(name)) lines.push(`  ${mermaidId(name)} --> ${mermaidId(child)}`);
      if (node.kind === 'source') {
        for (const t of node.topics) {
          topics.set(t.name, t);
          lines.push(`  topic_${mermaidId(t.name)} --> ${mermaidId(name)}`);
        }
      }
      if (node.kind === 'sink') {
        topics.set(node.topic.name, node.topic);
        lines.push(`  ${mermaidId(name)} --> topic_${mermaidId(node.topic.name)}`);
      }
      if (node.kind === 'processor') {
        for (const store of node.stores) {
          const layout = topology.stores.get(store)?.layout;
          const label = layout === undefined ? store : `${store}<br/>${layout.type === 'window' ? layout.summary.replace(/, key .*$/, '') : layout.type}`;
          lines.push(`  ${mermaidId(name)} -.- store_${mermaidId(store)}[("${label}")]`);
        }
      }
    }
  }
  for (const global of topology.globalStores.values()) {
    topics.set(global.topic, { name: global.topic, internal: false });
    lines.push(`  topic_${mermaidId(global.topic)} --> store_${mermaidId(global.name)}[("${global.name}<br/>global store")]`);
  }
  for (const t of topics.values()) lines.push(`  topic_${mermaidId(t.name)}{{"${topicName(t)}${t.internal ? ' (internal)' : ''}"}}`);
  return `${lines.join('\n')}\n`;
}
