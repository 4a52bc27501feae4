import type { NodeDefinition, SinkNodeDefinition, SourceNodeDefinition } from './node-definitions.js';
import type { StoreDefinition } from './store-definition.js';
import type { SubTopology } from './sub-topology.js';

/**
 * Splits the graph into connected parts through parent links and shared stores. Parts are numbered in the order their
 * first node was added, which keeps ids stable as long as the topology code does not change.
 */
export function splitSubTopologies(
  order: readonly string[],
  nodes: ReadonlyMap<string, NodeDefinition>,
  stores: ReadonlyMap<string, StoreDefinition>,
): SubTopology[] {
  const group = new Map<string, number>();
  const members: string[][] = [];
  const neighbours = new Map<string, string[]>();
  for (const name of order) neighbours.set(name, []);
  for (const name of order) {
    const node = nodes.get(name)!;
    if (node.kind === 'source') continue;
    for (const parent of node.parents) {
      neighbours.get(parent)!.push(name);
      neighbours.get(name)!.push(parent);
    }
  }
  // Processors sharing a store run in the same task, so they belong to one sub-topology.
  for (const store of stores.keys()) {
    const owners = order.filter((n) => {
      const node = nodes.get(n)!;
      return node.kind === 'processor' && node.stores.includes(store);
    });
    for (let i = 1; i < owners.length; i++) {
      neighbours.get(owners[0]!)!.push(owners[i]!);
      neighbours.get(owners[i]!)!.push(owners[0]!);
    }
  }
  for (const start of order) {
    if (group.has(start)) continue;
    const id = members.length;
    const found: string[] = [];
    const stack = [start];
    group.set(start, id);
    while (stack.length > 0) {
      const current = stack.pop()!;
      found.push(current);
      for (const next of neighbours.get(current)!) {
        if (!group.has(next)) {
          group.set(next, id);
          stack.push(next);
        }
      }
    }
    members.push(order.filter((n) => found.includes(n)));
  }
  return members.map((names, id) => {
    const defs = names.map((n) => nodes.get(n)!);
    const sources = defs.filter((d): d is SourceNodeDefinition => d.kind === 'source');
    const sinks = defs.filter((d): d is SinkNodeDefinition => d.kind === 'sink');
    const storeNames = new Set<string>();
    for (const d of defs) if (d.kind === 'processor') for (const s of d.stores) if (stores.has(s)) storeNames.add(s);
    return {
      id,
      nodeNames: names,
      sources,
      sinks,
      sourceTopics: sources.flatMap((s) => s.topics),
      stores: [...storeNames],
    };
  });
}
