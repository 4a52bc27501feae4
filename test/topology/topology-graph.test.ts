import { describe, expect, it } from 'vitest';
import { TopologyBuilder } from '../../src/topology/topology-builder.js';
import { topologyGraph } from '../../src/topology/topology-graph.js';
import { internalTopic } from '../../src/topology/topic-ref.js';
import { stringSerde } from '../../src/serde/string-serde.js';

function twoSubTopologies() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['orders'] })
    .addProcessor({ name: 'key', parents: ['in'], supplier: () => ({ process: () => undefined }) })
    .addSink({ name: 'to-repartition', topic: internalTopic('by-key-repartition'), parents: ['key'] })
    .addSource({ name: 'from-repartition', topics: [internalTopic('by-key-repartition')] })
    .addProcessor({ name: 'count', parents: ['from-repartition'], stores: ['counts'], supplier: () => ({ process: () => undefined }) })
    .addSink({ name: 'out', topic: 'counts-out', parents: ['count'] })
    .addStore({ name: 'counts', keySerde: stringSerde, valueSerde: stringSerde })
    .build();
}

describe('topologyGraph', () => {
  it('lists the sub-topologies, every node with its edges, topics by physical name, and stores with their processors', () => {
    const graph = topologyGraph(twoSubTopologies(), 'app');
    expect(graph.subTopologies).toEqual([
      { id: 0, nodes: ['in', 'key', 'to-repartition'] },
      { id: 1, nodes: ['from-repartition', 'count', 'out'] },
    ]);
    expect(graph.nodes.find((n) => n.name === 'to-repartition')).toEqual({
      name: 'to-repartition',
      kind: 'sink',
      subTopology: 0,
      topics: ['app-by-key-repartition'],
      stores: [],
      parents: ['key'],
      children: [],
    });
    expect(graph.nodes.find((n) => n.name === 'count')).toMatchObject({ kind: 'processor', subTopology: 1, stores: ['counts'], parents: ['from-repartition'], children: ['out'] });
    expect(graph.topics).toEqual([
      { name: 'orders', logicalName: 'orders', internal: false, readBy: ['in'], writtenBy: [] },
      { name: 'app-by-key-repartition', logicalName: 'by-key-repartition', internal: true, readBy: ['from-repartition'], writtenBy: ['to-repartition'] },
      { name: 'counts-out', logicalName: 'counts-out', internal: false, readBy: [], writtenBy: ['out'] },
    ]);
    expect(graph.stores).toEqual([{ name: 'counts', changelog: true, processors: ['count'] }]);
  });
});
