import { describe, expect, it } from 'vitest';
import { cdcStream } from '../../src/cdc/dsl/cdc-stream.js';
import { ConfigError } from '../../src/common/errors.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { planTopics } from '../../src/runtime/topic-plan.js';

/** Debezium's transaction step reads a one-partition internal topic whatever the table topics have. */
function debeziumTopology() {
  const b = new StreamsBuilder();
  cdcStream(b, ['db.sale.orders', 'db.sale.payments'], { format: 'debezium' }).to('out', {});
  return b.build();
}

describe('planTopics with a fixed-size internal topic', () => {
  const existing = new Map([
    ['db.sale.orders', 6],
    ['db.sale.payments', 6],
    ['db.transaction', 1],
  ]);

  it('creates it with its own partition count, not the writing sub-topology task count', () => {
    const plan = planTopics(debeziumTopology(), 'app', existing);
    expect(plan.create.find((t) => t.topic === 'app-cdc-db.sale.orders-transactions')).toEqual({ topic: 'app-cdc-db.sale.orders-transactions', partitions: 1, compacted: false });
    expect([...plan.taskCounts.values()]).toEqual([6, 1]);
  });

  it('refuses one that exists with another partition count', () => {
    expect(() => planTopics(debeziumTopology(), 'app', new Map([...existing, ['app-cdc-db.sale.orders-transactions', 3]]))).toThrow(ConfigError);
    expect(() => planTopics(debeziumTopology(), 'app', new Map([...existing, ['app-cdc-db.sale.orders-transactions', 3]]))).toThrow(/has 3 partitions but must have 1/);
  });
});
