/**
 * What the faster recovery of docs/reliability.md costs: a 10 s session timeout with heartbeats every
 * second (kafkajs' default is every 3 s) and a keep-alive around every batch.
 *
 *     KAFKA_BROKERS=127.0.0.1:9092 npx tsx bench/group-heartbeat-cost.ts
 *
 * 1. Per heartbeat interval: one idle group member for `--seconds` (default 30): heartbeat requests sent,
 *    their round trip (kafkajs request instrumentation) and the process's CPU time.
 * 2. The keep-alive wrapper around a batch that does nothing: cost per batch, against no wrapper.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { silentLogger } from '../src/common/logger.js';
import { withGroupKeepAlive } from '../src/runtime/kafka/group-keep-alive.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, batches: { type: 'string', default: '200000' } } });
const seconds = Number(values.seconds);
const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b !== '');
if (brokers.length === 0) throw new Error('set KAFKA_BROKERS to a broker to measure against');

async function idleMember(heartbeatInterval: number): Promise<{ heartbeats: number; medianRoundTripMs: number; cpuMsPerMinute: number }> {
  const kafka = new Kafka({ clientId: 'heartbeat-cost', brokers, logLevel: logLevel.NOTHING });
  const topic = `bench-heartbeat-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const consumer = kafka.consumer({ groupId: topic, sessionTimeout: 10_000, heartbeatInterval, maxWaitTimeInMs: 1000 });
  const roundTrips: number[] = [];
  consumer.on(consumer.events.REQUEST, (event) => {
    if (event.payload.apiName === 'Heartbeat') roundTrips.push(event.payload.duration);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ eachBatch: async () => undefined });
  // Joined: measure from here.
  roundTrips.length = 0;
  const cpuBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const heartbeats = roundTrips.length;
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  const sorted = [...roundTrips].sort((a, b) => a - b);
  return { heartbeats, medianRoundTripMs: sorted[Math.floor(sorted.length / 2)] ?? 0, cpuMsPerMinute: ((cpu.user + cpu.system) / 1000) * (60 / seconds) };
}

async function wrapperCost(batches: number): Promise<{ bareNs: number; wrappedNs: number }> {
  const heartbeat = (): Promise<void> => Promise.resolve();
  const work = (): Promise<number> => Promise.resolve(1);
  const time = async (run: () => Promise<unknown>): Promise<number> => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batches; i += 1) await run();
    return Number(process.hrtime.bigint() - start) / batches;
  };
  await time(() => withGroupKeepAlive(heartbeat, silentLogger, work)); // warm-up
  return { bareNs: await time(work), wrappedNs: await time(() => withGroupKeepAlive(heartbeat, silentLogger, work)) };
}

console.log(`| heartbeat interval | heartbeats in ${seconds} s | median round trip | client CPU per minute (idle member) |`);
console.log('| --- | --- | --- | --- |');
for (const interval of [3000, 1000]) {
  const r = await idleMember(interval);
  console.log(`| ${interval / 1000} s | ${r.heartbeats} | ${r.medianRoundTripMs} ms | ${r.cpuMsPerMinute.toFixed(0)} ms |`);
}
const w = await wrapperCost(Number(values.batches));
console.log(`\nkeep-alive wrapper per batch: ${(w.wrappedNs / 1000).toFixed(2)} µs (bare await ${(w.bareNs / 1000).toFixed(2)} µs), over ${values.batches} batches`);
