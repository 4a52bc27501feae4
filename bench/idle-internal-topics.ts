/**
 * What an idle sale-orders writes to its repartition topic, and how much of that topic stays on the
 * brokers (docs/cdc.md, "Idle control traffic"; docs/runtime.md, "Purging repartition topics").
 *
 * A small flash sale goes into a fresh topic; `cdc-streams run topologies/sale-orders.ts` processes it
 * until its committed input offsets reach the end, then idles. Over the idle window the script reads
 * the repartition topic's offsets once a second: records written per minute (sum of end-offset growth)
 * and the records kept (end - log start) at the start and the end.
 *
 *     KAFKA_BROKERS=127.0.0.1:19092 npx tsx bench/idle-internal-topics.ts [--guarantee exactly_once] [--idle-seconds 60] [--partitions 4]
 *
 * Other `run` flags can follow `--`, e.g. `-- --repartition-purge-interval-ms 5000`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { parseKafkaConnection, splitBrokers } from '../src/runtime/kafka-connection-config.js';
import { ensureTopics, topicOffsets, writeMessages, type PartitionOffsets } from '../src/kafka-tools/index.js';
import { simulateFlashSale } from '../src/sim/index.js';

const { values, positionals } = parseArgs({
  options: {
    guarantee: { type: 'string', default: 'at_least_once' },
    'idle-seconds': { type: 'string', default: '60' },
    partitions: { type: 'string', default: '4' },
    orders: { type: 'string', default: '300' },
  },
  allowPositionals: true,
});
const brokers = process.env['KAFKA_BROKERS'];
if (brokers === undefined) throw new Error('set KAFKA_BROKERS');
const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
const partitions = Number(values.partitions);
const idleSeconds = Number(values['idle-seconds']);
const applicationId = `bench-idle-${randomUUID().slice(0, 8)}`;
const inputTopic = `${applicationId}.dts.sale`;
const repartition = `${applicationId}-resequence-repartition`;

const sim = simulateFlashSale({ seed: 7, orders: Number(values.orders), partitions, shards: 2 });
await ensureTopics(connection, [{ topic: inputTopic, partitions, config: { 'retention.ms': '-1' } }]);
const { messages } = await writeMessages(connection, inputTopic, sim.messages);
const stateDir = await mkdtemp(join(tmpdir(), 'bench-idle-'));
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'run',
    'topologies/sale-orders.ts',
    '--brokers',
    brokers,
    '--application-id',
    applicationId,
    '--state-dir',
    stateDir,
    '--guarantee',
    values.guarantee,
    '--log-level',
    'warn',
    '--set',
    `inputTopic=${inputTopic}`,
    '--set',
    `outputTopic=${applicationId}.order-events`,
    ...positionals,
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const total = (offsets: readonly PartitionOffsets[], pick: (o: PartitionOffsets) => bigint): bigint => offsets.reduce((s, o) => s + pick(o), 0n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
try {
  // Processed: the group committed the input to its end, then the repartition topic's end stops
  // moving by more than a round of control records for 10 s (the resequencer's side has caught up).
  const inputEnds = await topicOffsets(connection, inputTopic);
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  for (;;) {
    await sleep(1000);
    const [committed] = await admin.fetchOffsets({ groupId: applicationId, topics: [inputTopic] });
    const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    if (inputEnds.every((o) => at.get(o.partition) === o.high)) break;
  }
  await admin.disconnect();
  let last = -1n;
  let quietSince = Date.now();
  for (;;) {
    await sleep(1000);
    const offsets = await topicOffsets(connection, repartition).catch(() => undefined);
    if (offsets === undefined) continue;
    const end = total(offsets, (o) => o.high);
    // Idle writes come in steps; "processed" is when the end grows by less than a resend round in 10 s.
    if (end - last > BigInt(partitions * partitions * 2)) {
      last = end;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 10_000) break;
  }
  const start = await topicOffsets(connection, repartition);
  const startedAt = Date.now();
  let written = 0n;
  let previous = total(start, (o) => o.high);
  let maxKept = 0n;
  while (Date.now() - startedAt < idleSeconds * 1000) {
    await sleep(1000);
    const now = await topicOffsets(connection, repartition);
    const end = total(now, (o) => o.high);
    written += end - previous;
    previous = end;
    const kept = total(now, (o) => o.high - o.low);
    if (kept > maxKept) maxKept = kept;
  }
  const end = await topicOffsets(connection, repartition);
  const minutes = (Date.now() - startedAt) / 60_000;
  console.log(
    JSON.stringify({
      guarantee: values.guarantee,
      inputMessages: messages,
      inputPartitions: partitions,
      repartitionPartitions: end.length,
      idleSeconds: Math.round(minutes * 60),
      offsetsWrittenPerMinute: Math.round(Number(written) / minutes),
      keptAtIdleStart: total(start, (o) => o.high - o.low).toString(),
      keptAtIdleEnd: total(end, (o) => o.high - o.low).toString(),
      maxKeptWhileIdle: maxKept.toString(),
      logStartAtEnd: end.map((o) => o.low.toString()),
      endAtEnd: end.map((o) => o.high.toString()),
    }),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await rm(stateDir, { recursive: true, force: true });
}
