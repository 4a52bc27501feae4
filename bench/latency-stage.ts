import { Kafka, logLevel, type Message } from 'kafkajs';
import { fileURLToPath } from 'node:url';
import type { SimMessage } from '../src/sim/index.js';
import { createOrderEventDecoder } from '../src/cli/order-event-avro.js';
import type { JobResult, SaleOrdersJob } from './bench-jobs.js';
import { percentile } from './bench-stats.js';
import { SourceClock } from './source-clock.js';
import { startStageProcess } from './stage-process.js';

const SCHEMAS = fileURLToPath(new URL('../schemas', import.meta.url));
const MAX_SEND_BYTES = 768 * 1024;
const MAX_SEND_MESSAGES = 500;
/** The first seconds run cold (V8 compiles the hot paths as they warm up): reported apart as well. */
export const LATENCY_WARMUP_MS = 5_000;

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencyResult {
  readonly orders: number;
  /** Target pace (bytes/s, half the measured maximum) and what the writer achieved. */
  readonly targetBytesPerSecond: number;
  readonly achievedBytesPerSecond: number;
  readonly achievedMessagesPerSecond: number;
  readonly messages: number;
  /** Output events measured (all but OrderExpired, which a timer fires, not a source record). */
  readonly events: number;
  readonly total: Percentiles;
  readonly hold: Percentiles;
  readonly processing: Percentiles;
  /** Processing of the events whose source was written after the first LATENCY_WARMUP_MS. */
  readonly processingWarm: Percentiles;
  readonly app: JobResult;
}

function percentiles(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: values[values.length - 1] ?? Number.NaN };
}

/**
 * Feeds the simulated messages at `bytesPerSecond` into an empty input topic, each stamped with its
 * wall-clock write time, while sale-orders (a child process) runs on it; reads the output topic
 * (LogAppendTime) and measures, per output event, append time − write time of its source transaction,
 * split at the instant the writer's replay of the watermark rule covered that transaction.
 */
export async function runLatencyStage(options: {
  readonly job: SaleOrdersJob;
  readonly messages: Iterable<SimMessage>;
  readonly partitions: number;
  readonly bytesPerSecond: number;
  readonly orders: number;
}): Promise<LatencyResult> {
  const { job, bytesPerSecond } = options;
  const kafka = new Kafka({ clientId: 'bench-latency', brokers: job.brokers.split(','), logLevel: logLevel.WARN });
  const outputs: Array<{ value: Buffer; appendMs: number; partition: number; offset: string }> = [];
  const consumer = kafka.consumer({ groupId: `${job.applicationId}-latency-reader` });
  await consumer.connect();
  await consumer.subscribe({ topics: [job.outputTopic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        if (m.value !== null) outputs.push({ value: m.value, appendMs: Number(m.timestamp), partition: batch.partition, offset: m.offset });
      }
    },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const clock = new SourceClock(options.partitions);
  const app = startStageProcess(job);
  let written = 0;
  let writtenBytes = 0;
  let writeMs = 0;
  let writerStartedAt = 0;
  try {
    await app.ready;
    const iterator = options.messages[Symbol.iterator]();
    const t0 = Date.now();
    writerStartedAt = t0;
    let exhausted = false;
    while (!exhausted) {
      const due = ((Date.now() - t0) / 1000) * bytesPerSecond;
      if (due <= writtenBytes) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const batch: SimMessage[] = [];
      let bytes = 0;
      while (writtenBytes + bytes < due && batch.length < MAX_SEND_MESSAGES && bytes < MAX_SEND_BYTES) {
        const next = iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        batch.push(next.value);
        bytes += next.value.value.length;
      }
      if (batch.length === 0) continue;
      const wall = Date.now();
      const messages: Message[] = batch.map((m) => ({ partition: m.partition, value: m.value, timestamp: String(wall) }));
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: job.inputTopic, messages }] });
      for (const m of batch) clock.observe(m.partition, m.value, wall);
      written += batch.length;
      writtenBytes += bytes;
    }
    writeMs = Date.now() - t0;
    const appResult = await app.result;
    const deadline = Date.now() + 30_000;
    while (outputs.length < job.expectedEvents && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const decoder = await createOrderEventDecoder({ schemasDir: SCHEMAS });
    const total: number[] = [];
    const hold: number[] = [];
    const processing: number[] = [];
    const processingWarm: number[] = [];
    for (const o of outputs) {
      const event = await decoder.decode({ topic: job.outputTopic, partition: o.partition, offset: o.offset, key: null, value: o.value, headers: {}, timestamp: o.appendMs });
      if (event.type === 'OrderExpired') continue;
      const writtenAt = clock.writtenAt(event.source.serverId, event.source.gtid);
      const coveredAt = clock.coveredAt(event.source.serverId, event.source.gtid);
      if (writtenAt === undefined || coveredAt === undefined) {
        throw new Error(`latency stage: no write or cover time for ${event.source.serverId} ${event.source.gtid}`);
      }
      total.push(o.appendMs - writtenAt);
      hold.push(coveredAt - writtenAt);
      processing.push(o.appendMs - coveredAt);
      if (writtenAt >= writerStartedAt + LATENCY_WARMUP_MS) processingWarm.push(o.appendMs - coveredAt);
    }
    return {
      orders: options.orders,
      targetBytesPerSecond: bytesPerSecond,
      achievedBytesPerSecond: writtenBytes / (writeMs / 1000),
      achievedMessagesPerSecond: written / (writeMs / 1000),
      messages: written,
      events: total.length,
      total: percentiles(total),
      hold: percentiles(hold),
      processing: percentiles(processing),
      processingWarm: percentiles(processingWarm),
      app: appResult,
    };
  } finally {
    app.stop();
    await producer.disconnect();
    await consumer.disconnect();
  }
}
