import { afterEach, describe, expect, it } from 'vitest';
import { buildTopology, createTopologyEnvironment } from '../../src/index.js';
import { formatSaleStatsVerification, saleStatsOf, SaleStatsVerifier, simulateFlashSale, type SkuMinuteStats, type SkuTotals } from '../../src/sim/index.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import saleStats from '../../topologies/sale-stats.js';
import type { SkuStats } from '../../topologies/sale-stats/sku-stats.js';
import { T0, heartbeat, insertOrders, insertPayments, orderRow, paymentRow, txn, updateOrders } from '../sim/binlog-builder.js';
import { BinlogFeeder } from './binlog-feeder.js';
import { INPUT, pipeMessages } from './sale-orders-harness.js';

const STATS = 'sale.sku-minute-stats';
const TOTALS = 'sale.sku-totals';
const MS = 1000;
const O1 = 1_900_000_000_000_000_001n;
const O2 = 1_900_000_000_000_000_003n;

const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

async function saleStatsDriver(partitions: number, params: Record<string, string> = {}): Promise<TopologyTestDriver> {
  const env = await createTopologyEnvironment({ params });
  const driver = await TopologyTestDriver.create(buildTopology(saleStats, env), { topics: { [INPUT]: { partitions } }, storeKind: 'in-memory' });
  drivers.push(driver);
  return driver;
}

const minutes = (driver: TopologyTestDriver) => driver.readAllOutput<string, SkuMinuteStats>(STATS).map((r) => r.value);

describe('sale-stats', () => {
  it('refuses a Debezium input instead of reading the DTS topic in its place', async () => {
    const env = await createTopologyEnvironment({ params: { format: 'debezium' } });
    expect(() => buildTopology(saleStats, env)).toThrow("sale-stats reads a DTS subscription (format dts), got format 'debezium'");
  });

  it('counts a minute’s orders once the watermark has passed its end plus grace, and not before', async () => {
    const driver = await saleStatsDriver(2, { graceSeconds: '10' });
    const feeder = new BinlogFeeder(driver, 2);
    const o1 = orderRow(O1, T0 + 5);
    const o2 = orderRow(O2, T0 + 20, { amount: '10.05' });
    await feeder.feed(
      txn(1, T0 + 5, [insertOrders(o1)]),
      txn(2, T0 + 20, [insertOrders(o2)]),
      txn(3, T0 + 30, [updateOrders([o1, { ...o1, status: 'PAID', version: 2 }]), insertPayments(paymentRow(1n, o1, T0 + 30))]),
      txn(4, T0 + 40, [updateOrders([o2, { ...o2, status: 'PAID', version: 2 }]), insertPayments(paymentRow(2n, o2, T0 + 40))]),
      heartbeat(T0 + 69, 4),
    );
    // The minute [T0, T0 + 60 s) closes at T0 + 70 s (grace 10 s): the shards have only promised T0 + 69 s.
    expect(minutes(driver)).toEqual([]);
    await feeder.feed(heartbeat(T0 + 70, 4));
    expect(minutes(driver)).toEqual([
      { skuId: '100001', windowStart: T0 * MS, windowEnd: (T0 + 60) * MS, created: 2, paid: 2, cancelled: 0, expired: 0, paidAmount: '209.95' },
    ]);
    await feeder.feed(heartbeat(T0 + 3600, 4));
    expect(minutes(driver)).toEqual([]);
    const totals = await Promise.all([0, 1].map((p) => driver.getStore<string, SkuStats>('sku-totals', p).get('100001')));
    expect(totals.find((t) => t !== undefined)).toEqual({
      created: 2,
      paid: 2,
      cancelled: 0,
      expired: 0,
      paidAmount: '209.95',
      lastEventAt: (T0 + 40) * MS,
    });
  });

  it('over a simulated flash sale (3 shards, 3 partitions, redeliveries), matches the statistics of the ground truth exactly', { timeout: 120_000 }, async () => {
    const sim = simulateFlashSale({ seed: 31, orders: 300, shards: 3, skus: 4, partitions: 3, redelivery: { probability: 0.03, maxMessages: 8 } });
    const truth = saleStatsOf(sim.groundTruth);
    const driver = await saleStatsDriver(3);
    await pipeMessages(driver, sim.messages, 3, () => sim.stats.partitions);
    const verifier = new SaleStatsVerifier(truth);
    for (const m of minutes(driver)) verifier.observeMinute(m);
    for (const r of driver.readAllOutput<string, SkuTotals>(TOTALS)) verifier.observeTotals(r.value);
    const summary = verifier.result();
    expect(sim.stats.redeliveredMessages).toBeGreaterThan(0);
    expect(truth.minutes.size).toBeGreaterThan(20);
    expect(summary.ok, `seed 31\n${formatSaleStatsVerification(summary)}`).toBe(true);
  });
});
