import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOrderEventDecoder, toOutputOrderEvent } from '../../src/cli/order-event-avro.js';
import { parseKafkaConnection, splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { ensureTopics, readTopic } from '../../src/kafka-tools/index.js';
import { formatVerification, OrderEventVerifier, type ExpectedOrder, type OutputOrderEvent } from '../../src/sim/index.js';
import { groundTruthOf } from '../../src/sim/ground-truth.js';
import { flashSaleBinlog } from '../../src/sim/model/flash-sale-model.js';
import { resolveModelOptions } from '../../src/sim/model/model-options.js';
import { testSeed } from '../serde/seeded-random.js';
import { applySaleSql, startSalePipeline, type SalePipeline } from '../support/debezium/sale-pipeline.js';
import { StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * Issue 15 end to end: a flash sale from the simulator's model applied as SQL to a real MariaDB
 * (orders, payments, status updates, rolled-back transactions, big remarks, DATETIME columns in
 * Asia/Shanghai), captured by Debezium's connector in Kafka Connect into a topic per table (three
 * partitions each, so a transaction's rows cross partitions and topics) plus the transaction-metadata
 * topic, and sale-orders run over them with `--set format=debezium`. Its output must be the ground
 * truth the DTS path is checked against — with the source coordinates mapped: the shard is the
 * connector's name and each model GTID the server's; binlog file and position differ by construction
 * (the simulated binlog is not MariaDB's), so they are not compared.
 */
const brokers = inject('kafkaBrokers');
const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
const SOURCE_ZONE = 'Asia/Shanghai';
const prefix = `e2e-dbz-${randomUUID().slice(0, 8)}`;
let pipeline: SalePipeline | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  await ensureTopics(connection, [
    { topic: `${prefix}.sale.orders`, partitions: 3, config: { 'retention.ms': '-1' } },
    { topic: `${prefix}.sale.payments`, partitions: 3, config: { 'retention.ms': '-1' } },
    { topic: `${prefix}.transaction`, partitions: 1, config: { 'retention.ms': '-1' } },
  ]);
  pipeline = await startSalePipeline({ brokers, topicPrefix: prefix, tablePartitions: 3, log: (line) => process.stderr.write(`[debezium e2e] ${line}\n`) });
}, 300_000);

afterAll(async () => {
  StreamsChild.killAll();
  await pipeline?.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}, 60_000);

async function readEvents(topic: string): Promise<OutputOrderEvent[]> {
  const decoder = await createOrderEventDecoder({ schemasDir: 'schemas' });
  const events: OutputOrderEvent[] = [];
  for await (const record of readTopic(connection, topic, { idleMs: 2000 })) events.push(toOutputOrderEvent(await decoder.decode(record)));
  return events;
}

describe('sale-orders over Debezium topics from a real MariaDB', () => {
  it('produces the ground truth of the simulated flash sale, every order once and in order', { timeout: 420_000 }, async () => {
    const seed = testSeed('sale-orders-debezium');
    const model = resolveModelOptions({ seed, orders: 300, shards: 2, bigRemarkRate: 0.02, rollbackRate: 0.05 });
    const db = pipeline;
    if (db === undefined) throw new Error('the pipeline did not start');
    const gtids = await applySaleSql(db.mariadb, flashSaleBinlog(model), SOURCE_ZONE);

    const truth = new Map<string, ExpectedOrder>();
    let expectedEvents = 0;
    for (const order of groundTruthOf(flashSaleBinlog(model), model.paymentTimeoutSeconds)) {
      const events = order.events.map((e) => {
        const gtid = gtids.get(e.source.gtid);
        if (gtid === undefined) throw new Error(`model transaction ${e.source.gtid} has no server GTID`);
        return { ...e, source: { serverId: prefix, gtid, file: '', position: '0' } };
      });
      truth.set(order.orderId, { orderId: order.orderId, events });
      expectedEvents += events.length;
    }
    expect(expectedEvents).toBeGreaterThan(600);

    const outputTopic = `${prefix}.order-events`;
    const stateDir = await mkdtemp(join(tmpdir(), 'e2e-dbz-'));
    dirs.push(stateDir);
    const app = StreamsChild.run({
      topology: 'topologies/sale-orders.ts',
      brokers,
      applicationId: `${prefix}-app`,
      stateDir,
      guarantee: 'at_least_once',
      params: { format: 'debezium', topicPrefix: prefix, outputTopic, sourceTimeZone: SOURCE_ZONE },
      extraArgs: ['--http-port', '0', '--commit-interval-ms', '300'],
    });
    const count = async (): Promise<number> => {
      try {
        return (await readEvents(outputTopic)).length;
      } catch (error) {
        // The application creates its output topic when it starts; until then there is nothing to count.
        if (error instanceof Error && /does not exist/.test(error.message)) return 0;
        throw error;
      }
    };
    await waitFor('the output to reach the expected event count', async () => ((await count()) >= expectedEvents ? true : undefined), {
      timeoutMs: 300_000,
      intervalMs: 2000,
      child: app,
    });
    app.kill('SIGTERM');
    expect((await app.waitForExit(15_000)).code).toBe(0);

    const verifier = new OrderEventVerifier(truth);
    for (const event of await readEvents(outputTopic)) verifier.observe({ ...event, source: { ...event.source, file: '', position: '0' } });
    const summary = verifier.result();
    expect(summary.ok, formatVerification(summary)).toBe(true);
  });
});
