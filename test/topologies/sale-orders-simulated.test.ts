import { describe, expect, it } from 'vitest';
import { simulateFlashSale } from '../../src/sim/index.js';
import { runSimulation } from './sale-orders-harness.js';

// Whole flash sales from the simulator, in the real DTS encoding, through the real topology file; the
// output is checked order by order against the simulator's ground truth (an independent implementation
// of docs/design.md 2.1). A failing run prints its seed and the verifier's report.
describe('sale-orders on simulated flash sales', () => {
  it('3 shards over 4 partitions with chunked big remarks, redeliveries and deadline-boundary payments: every order right', async () => {
    const sim = simulateFlashSale({
      seed: 11,
      orders: 600,
      shards: 3,
      partitions: 4,
      strategy: 'primary-key',
      maxMessageBytes: 4096,
      bigRemarkRate: 0.02,
      bigRemarkBytes: 10_000,
      boundaryRate: 0.3,
      redelivery: { probability: 0.03, maxMessages: 8 },
    });
    const summary = await runSimulation(sim);
    expect(sim.stats.chunkedGroups).toBeGreaterThan(0);
    expect(sim.stats.redeliveredMessages).toBeGreaterThan(0);
    expect(sim.stats.rolledBack).toBeGreaterThan(0);
    expect(summary.orders.expected).toBe(600);
    expect(summary.ok).toBe(true);
  });

  it('a partition increase from 2 to 4 in mid-sale, transactions partitioned by GTID: every order right', async () => {
    const sim = simulateFlashSale({
      seed: 12,
      orders: 400,
      shards: 2,
      partitions: 2,
      strategy: 'transaction',
      partitionIncrease: { afterTransactions: 250, to: 4 },
    });
    const summary = await runSimulation(sim);
    expect(sim.stats.partitions).toBe(4);
    expect(summary.orders.expected).toBe(400);
    expect(summary.ok).toBe(true);
  });

  it('on RocksDB stores, payments on other partitions than their orders (table partitioning): every order right', async () => {
    const sim = simulateFlashSale({ seed: 13, orders: 300, shards: 2, partitions: 3, strategy: 'table' });
    const summary = await runSimulation(sim, { storeKind: 'persistent' });
    expect(summary.orders.expected).toBe(300);
    expect(summary.ok).toBe(true);
  });

  it('2000 orders, 2 shards, a 10-minute timeout and holdPolicy emit-and-flag with heartbeats flowing: nothing late, every order right', async () => {
    const sim = simulateFlashSale({ seed: 14, orders: 2000, shards: 2, partitions: 3, paymentTimeoutSeconds: 600, pairRate: 0.2 });
    const summary = await runSimulation(sim, { params: { holdPolicy: 'emit-and-flag', paymentTimeoutMinutes: '10' } });
    expect(summary.orders.expected).toBe(2000);
    expect(summary.ok).toBe(true);
  });
});
