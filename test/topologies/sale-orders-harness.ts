import { buildTopology, createTopologyEnvironment, type StoreKind } from '../../src/index.js';
import { formatVerification, verify, type FlashSaleSimulation, type SimMessage, type VerificationSummary } from '../../src/sim/index.js';
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
    topics: { [options.params?.['inputTopic'] ?? INPUT]: { partitions: options.partitions } },
    storeKind: options.storeKind ?? 'in-memory',
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
  });
}

/**
 * Writes the simulator's messages as they come, each to its partition. The topic grows the moment the
 * writer's partition count does (`partitionsNow`, e.g. the simulation's live `stats.partitions`), as a
 * DTS subscription grows it before writing under the new count — not only when the first message for a
 * new partition shows up: messages already written to the old partitions may promise progress past
 * rows that are still on their way to the new ones.
 */
export async function pipeMessages(driver: TopologyTestDriver, messages: Iterable<SimMessage>, partitions: number, partitionsNow: () => number = () => 0): Promise<void> {
  let count = partitions;
  for (const m of messages) {
    const needed = Math.max(partitionsNow(), m.partition + 1);
    if (needed > count) {
      count = needed;
      await driver.addPartitions(INPUT, count);
    }
    await driver.pipeRawInput(INPUT, m.key ?? null, m.value, { partition: m.partition, timestamp: m.timestamp });
  }
}

/** The next unread output events; checks each record's key and timestamp against its value on the way. */
export function readEvents(driver: TopologyTestDriver, topic = OUTPUT): OrderEventRecord[] {
  return driver.readAllOutput<string, OrderEventRecord>(topic).map((r) => {
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
    await pipeMessages(driver, sim.messages, partitions, () => sim.stats.partitions);
    const summary = verify(sim.groundTruth, readEvents(driver));
    if (!summary.ok) console.error(`seed ${sim.options.model.seed}\n${formatVerification(summary)}`);
    return summary;
  } finally {
    await driver.close();
  }
}
