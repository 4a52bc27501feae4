import {
  buildTopology,
  createTopologyEnvironment,
  formatVerification,
  verify,
  type FlashSaleSimulation,
  type SimMessage,
  type StoreKind,
  type VerificationSummary,
} from '../../src/index.js';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.js';
import saleOrders from '../../topologies/sale-orders.js';
import type { OrderEventRecord } from '../../topologies/sale-orders/order-event.js';

export const INPUT = 'dts.sale';
export const OUTPUT = 'sale.order-events';

export interface SaleOrdersDriverOptions {
  readonly partitions: number;
  readonly params?: Readonly<Record<string, string>>;
  readonly storeKind?: StoreKind;
  readonly stateDir?: string;
}

/** The real topology file, Avro serdes from schemas/, the binlog topic with `partitions` partitions. */
export async function saleOrdersDriver(options: SaleOrdersDriverOptions): Promise<TopologyTestDriver> {
  const env = await createTopologyEnvironment({ params: options.params ?? {} });
  const topology = buildTopology(saleOrders, env);
  return TopologyTestDriver.create(topology, {
    topics: { [INPUT]: { partitions: options.partitions } },
    storeKind: options.storeKind ?? 'in-memory',
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
  });
}

/**
 * Writes the simulator's messages as they come, each to its partition. A message for a partition the
 * topic does not have yet is the simulator's signal that the subscription grew the topic.
 */
export async function pipeMessages(driver: TopologyTestDriver, messages: Iterable<SimMessage>, partitions: number, grownTo?: number): Promise<void> {
  let count = partitions;
  for (const m of messages) {
    if (m.partition >= count) {
      count = Math.max(grownTo ?? 0, m.partition + 1);
      await driver.addPartitions(INPUT, count);
    }
    await driver.pipeRawInput(INPUT, m.key ?? null, m.value, { partition: m.partition, timestamp: m.timestamp });
  }
}

export function readEvents(driver: TopologyTestDriver): OrderEventRecord[] {
  return driver.readAllOutput<string, OrderEventRecord>(OUTPUT).map((r) => {
    if (r.key !== r.value.orderId) throw new Error(`output key ${r.key} differs from orderId ${r.value.orderId}`);
    if (r.timestamp !== r.value.occurredAt) throw new Error(`record timestamp ${r.timestamp} differs from occurredAt ${r.value.occurredAt}`);
    return r.value;
  });
}

/** Runs a whole simulation through the topology and verifies every order against its ground truth. */
export async function runSimulation(sim: FlashSaleSimulation, options: Omit<SaleOrdersDriverOptions, 'partitions'> = {}): Promise<VerificationSummary> {
  const partitions = sim.options.writer.partitions;
  const driver = await saleOrdersDriver({ ...options, partitions });
  try {
    await pipeMessages(driver, sim.messages, partitions, sim.options.writer.partitionIncrease?.to);
    const summary = verify(sim.groundTruth, readEvents(driver));
    if (!summary.ok) console.error(`seed ${sim.options.model.seed}\n${formatVerification(summary)}`);
    return summary;
  } finally {
    await driver.close();
  }
}
