import { Kafka, logLevel } from 'kafkajs';
import type { JobResult, PassthroughJob } from './bench-jobs.js';
import { ownCpuMs } from './process-cpu.js';
import { relayBatch } from './relay-batch.js';
import { maxRssMb, RssSampler } from './rss-sampler.js';

/**
 * The ceiling: a bare kafkajs consume → produce of the same bytes, no decoding. One consumer in a fresh
 * group with the runtime's fetch bounds, `eachBatch`, each fetched batch re-sent to the same partition of
 * the output topic with an idempotent producer (acks all, one request in flight), offsets committed by
 * kafkajs. Timed from `connect()` until every input message was sent and acknowledged.
 */
export async function drainPassthrough(job: PassthroughJob): Promise<JobResult> {
  const kafka = new Kafka({ clientId: `bench-${job.groupId}`, brokers: job.brokers.split(','), logLevel: logLevel.WARN });
  const rss = new RssSampler();
  const cpuAtStart = ownCpuMs();
  const started = process.hrtime.bigint();
  const consumer = kafka.consumer({ groupId: job.groupId, maxBytes: 8 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024, allowAutoTopicCreation: false });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await Promise.all([consumer.connect(), producer.connect()]);
  let recordsIn = 0;
  let recordsOut = 0;
  let failure: unknown;
  let ended = started;
  let cpuAtEnd = cpuAtStart;
  try {
    await consumer.subscribe({ topics: [job.inputTopic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        recordsOut += await relayBatch(producer, job.outputTopic, batch.partition, batch.messages);
        recordsIn += batch.messages.length;
        resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
    let last = 0;
    let lastChange = Date.now();
    while (recordsOut < job.expectedMessages) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (recordsOut !== last) {
        last = recordsOut;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > job.stallMs) {
        failure = new Error(`pass-through stalled at ${recordsOut}/${job.expectedMessages}`);
        break;
      }
    }
    ended = process.hrtime.bigint();
    cpuAtEnd = ownCpuMs();
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  const ms = Number(ended - started) / 1e6;
  const cpuMs = cpuAtEnd - cpuAtStart;
  const peakRssMb = rss.peakMb();
  rss.stop();
  return {
    kind: 'passthrough',
    ms,
    recordsIn,
    recordsOut,
    recordsOutAtClose: recordsOut,
    peakRssMb,
    maxRssMb: maxRssMb(),
    cpuMs,
    metrics: {},
    ...(failure === undefined ? {} : { problem: failure instanceof Error ? failure.message : String(failure) }),
  };
}
