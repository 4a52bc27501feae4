import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { topologyTopics } from '../../src/runtime/topology-topics.js';

describe('topologyTopics', () => {
  it('names the inputs, the internal topics (repartition, changelog, dead letters) and all of them', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('orders', { keySerde: stringSerde, valueSerde: stringSerde })
      .selectKey((v) => v)
      .groupByKey({ keySerde: stringSerde, valueSerde: stringSerde })
      .count({ storeName: 'counts' })
      .toStream()
      .to('out', { valueSerde: jsonSerde<number>() });
    const topics = topologyTopics(b.build(), 'app');
    expect(topics.inputs).toEqual(['orders']);
    expect([...topics.internal].sort()).toEqual(['app-KSTREAM-REPARTITION-0000000002-repartition', 'app-counts-changelog', 'app-dlq'].sort());
    expect([...topics.all].sort()).toEqual([...topics.internal, 'orders', 'out'].sort());
  });

  it('counts as repartition topics only internal topics a sub-topology reads: not the input, changelogs, dead letters or outputs', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('orders', { keySerde: stringSerde, valueSerde: stringSerde })
      .selectKey((v) => v)
      .groupByKey({ keySerde: stringSerde, valueSerde: stringSerde })
      .count({ storeName: 'counts' })
      .toStream()
      .to('out', { valueSerde: jsonSerde<number>() });
    expect(topologyTopics(b.build(), 'app').repartition).toEqual(['app-KSTREAM-REPARTITION-0000000002-repartition']);
  });
});
