import type { NodeDefinition } from './node-definitions.js';
import type { GlobalStoreDefinition, StoreDefinition } from './store-definition.js';

function parentsOf(node: NodeDefinition): readonly string[] {
  return node.kind === 'source' ? [] : node.parents;
}

/** Finds a cycle through parent links; returns its node names in order, or undefined. */
function findCycle(nodes: ReadonlyMap<string, NodeDefinition>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const seen = state.get(name);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...path.slice(path.indexOf(name)), name];
    const node = nodes.get(name);
    if (node === undefined) return undefined;
    state.set(name, 'visiting');
    path.push(name);
    for (const parent of parentsOf(node)) {
      const cycle = visit(parent);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of nodes.keys()) {
    const cycle = visit(name);
    if (cycle !== undefined) return cycle.reverse();
  }
  return undefined;
}

/** Which connected part (through parent links) each node belongs to, as a representative name. */
function components(nodes: ReadonlyMap<string, NodeDefinition>): Map<string, string> {
  const root = new Map<string, string>();
  const find = (n: string): string => {
    let r = n;
    while (root.get(r) !== r) r = root.get(r)!;
    root.set(n, r);
    return r;
  };
  for (const name of nodes.keys()) root.set(name, name);
  for (const node of nodes.values()) {
    for (const parent of parentsOf(node)) {
      if (nodes.has(parent)) root.set(find(parent), find(node.name));
    }
  }
  const result = new Map<string, string>();
  for (const name of nodes.keys()) result.set(name, find(name));
  return result;
}

function writesTopicReadBy(
  ordered: readonly NodeDefinition[],
  part: ReadonlyMap<string, string>,
  writer: string,
  reader: string,
): boolean {
  const written = new Set<string>();
  for (const n of ordered) if (n.kind === 'sink' && part.get(n.name) === writer) written.add(`${n.topic.internal}:${n.topic.name}`);
  return ordered.some(
    (n) => n.kind === 'source' && part.get(n.name) === reader && n.topics.some((t) => written.has(`${t.internal}:${t.name}`)),
  );
}

export function findTopologyProblems(
  ordered: readonly NodeDefinition[],
  stores: ReadonlyMap<string, StoreDefinition>,
  globalStores: ReadonlyMap<string, GlobalStoreDefinition> = new Map(),
): string[] {
  const problems: string[] = [];
  const nodes = new Map(ordered.map((n) => [n.name, n] as const));

  if (!ordered.some((n) => n.kind === 'source')) problems.push('the topology has no source node');

  for (const node of ordered) {
    for (const parent of parentsOf(node)) {
      const parentNode = nodes.get(parent);
      if (parentNode === undefined) problems.push(`node '${node.name}' names parent '${parent}', which does not exist`);
      else if (parentNode.kind === 'sink') problems.push(`node '${node.name}' names sink '${parent}' as its parent; sinks have no children`);
    }
    if (node.kind !== 'source' && node.parents.length === 0) problems.push(`node '${node.name}' has no parent`);
    if (node.kind === 'source' && node.topics.length === 0) problems.push(`source '${node.name}' reads no topic`);
    if (node.kind === 'processor') {
      for (const store of node.stores) {
        if (!stores.has(store) && !globalStores.has(store)) problems.push(`processor '${node.name}' uses store '${store}', which is not defined`);
      }
    }
  }

  const cycle = findCycle(nodes);
  if (cycle !== undefined) problems.push(`the topology has a cycle: ${cycle.join(' -> ')}`);

  const readers = new Map<string, string>();
  for (const node of ordered) {
    if (node.kind !== 'source') continue;
    for (const topic of node.topics) {
      const key = `${topic.internal ? 'internal:' : ''}${topic.name}`;
      const other = readers.get(key);
      if (other !== undefined) problems.push(`topic '${topic.name}' is read by both '${other}' and '${node.name}'`);
      else readers.set(key, node.name);
    }
  }

  for (const global of globalStores.values()) {
    const reader = readers.get(global.topic);
    if (reader !== undefined) problems.push(`topic '${global.topic}' is read by both '${reader}' and global store '${global.name}'`);
  }

  const part = components(nodes);
  for (const store of stores.values()) {
    const owners = ordered.filter((n) => n.kind === 'processor' && n.stores.includes(store.name));
    if (owners.length === 0) {
      problems.push(`store '${store.name}' is not used by any processor`);
      continue;
    }
    // Processors of co-partitioned parts may share a store (a stream-table join); parts on the two
    // sides of a topic one writes and the other reads may not: their tasks run on different data.
    const parts = [...new Set(owners.map((o) => part.get(o.name)!))];
    for (const a of parts) {
      for (const b of parts) {
        if (a !== b && writesTopicReadBy(ordered, part, a, b)) {
          problems.push(
            `store '${store.name}' is shared by processors on both sides of a repartition boundary: ${owners.map((o) => `'${o.name}'`).join(', ')}`,
          );
        }
      }
    }
  }
  return problems;
}
