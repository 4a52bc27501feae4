import { describe, expect, it } from 'vitest';
import { stringSerde } from '../../src/serde/string-serde.js';
import { TopologyBuilder } from '../../src/topology/topology-builder.js';
import { internalTopic } from '../../src/topology/topic-ref.js';

const passThrough = () => ({ process: () => undefined });

function twoSubTopologies(): TopologyBuilder {
  return new TopologyBuilder()
    .addSource({ name: 'orders-in', topics: ['orders'] })
    .addProcessor({ name: 'rekey', supplier: passThrough, parents: ['orders-in'] })
    .addSink({ name: 'to-repartition', topic: internalTopic('by-user-repartition'), parents: ['rekey'] })
    .addSource({ name: 'from-repartition', topics: [internalTopic('by-user-repartition')] })
    .addProcessor({ name: 'count', supplier: passThrough, parents: ['from-repartition'], stores: ['counts'] })
    .addStore({ name: 'counts', keySerde: stringSerde, valueSerde: stringSerde })
    .addSink({ name: 'out', topic: 'user-counts', parents: ['count'] });
}

describe('TopologyBuilder', () => {
  it('describes a topology split at a repartition topic as two sub-topologies, Kafka Streams style', () => {
    const expected = [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: orders-in (topics: [orders])',
      '      --> rekey',
      '    Processor: rekey (stores: [])',
      '      --> to-repartition',
      '      <-- orders-in',
      '    Sink: to-repartition (topic: by-user-repartition)',
      '      <-- rekey',
      '',
      '   Sub-topology: 1',
      '    Source: from-repartition (topics: [by-user-repartition])',
      '      --> count',
      '    Processor: count (stores: [counts])',
      '      --> out',
      '      <-- from-repartition',
      '    Sink: out (topic: user-counts)',
      '      <-- count',
      '',
      '',
    ].join('\n');
    expect(twoSubTopologies().build().describe()).toBe(expected);
  });

  it('describes the same topology as a Mermaid flowchart with one subgraph per sub-topology', () => {
    const mermaid = twoSubTopologies().build().describe({ format: 'mermaid' });
    expect(mermaid.startsWith('flowchart TD\n')).toBe(true);
    expect(mermaid).toContain('subgraph sub0["Sub-topology 0"]');
    expect(mermaid).toContain('subgraph sub1["Sub-topology 1"]');
    expect(mermaid).toContain('rekey --> to_repartition');
    expect(mermaid).toContain('count -.- store_counts[("counts")]');
  });

  it('rejects a cycle, naming the nodes on it', () => {
    const builder = new TopologyBuilder()
      .addSource({ name: 'in', topics: ['t'] })
      .addProcessor({ name: 'a', supplier: passThrough, parents: ['in', 'b'] })
      .addProcessor({ name: 'b', supplier: passThrough, parents: ['a'] });
    expect(builder.validate()).toContain('the topology has a cycle: a -> b -> a');
    expect(() => builder.build()).toThrow(/cycle: a -> b -> a/);
  });

  it('rejects a processor using an undefined store, naming the processor and the store', () => {
    const builder = new TopologyBuilder()
      .addSource({ name: 'in', topics: ['t'] })
      .addProcessor({ name: 'enrich', supplier: passThrough, parents: ['in'], stores: ['missing'] });
    expect(builder.validate()).toEqual(["processor 'enrich' uses store 'missing', which is not defined"]);
  });

  it('rejects a store no processor uses, duplicate node names, unknown parents and a store shared across a repartition', () => {
    const builder = twoSubTopologies()
      .addStore({ name: 'orphan', keySerde: stringSerde, valueSerde: stringSerde })
      .addProcessor({ name: 'rekey', supplier: passThrough, parents: ['orders-in'] })
      .addProcessor({ name: 'late', supplier: passThrough, parents: ['nowhere'] })
      .connectStore('rekey', 'counts');
    const problems = builder.validate();
    expect(problems).toContain("node name 'rekey' is used twice");
    expect(problems).toContain("store 'orphan' is not used by any processor");
    expect(problems).toContain("node 'late' names parent 'nowhere', which does not exist");
    expect(problems.some((p) => p.startsWith("store 'counts' is shared by processors on both sides of a repartition boundary"))).toBe(true);
  });
});
