import { fileURLToPath } from 'node:url';
import { createLogger, parseKafkaConnection, rocksDbMemoryUsage, splitBrokers, StreamsApp, type AppSnapshot } from '../src/index.js';
import { formatTopologyProblems, loadTopology } from '../src/cli/load-topology.js';
import type { JobResult, MemoryAtPeak, SaleOrdersJob } from './bench-jobs.js';
import { ownCpuMs } from './process-cpu.js';
import { maxRssMb, RssSampler } from './rss-sampler.js';

const TOPOLOGY = fileURLToPath(new URL('../topologies/sale-orders.ts', import.meta.url));
const SCHEMAS = fileURLToPath(new URL('../schemas', import.meta.url));

/**
 * Runs sale-orders on an already written input topic, from the start (fresh application id and state
 * dir), until the output count reaches the ground truth's event count and every input message was read.
 * The clock runs from `start()` to that moment; `onReady` is called once `start()` returned (the
 * latency stage starts its paced writer then).
 */
export async function drainSaleOrders(job: SaleOrdersJob, onReady: () => void = () => undefined): Promise<JobResult> {
  const loaded = await loadTopology(TOPOLOGY, { schemasDir: SCHEMAS, params: { inputTopic: job.inputTopic, outputTopic: job.outputTopic } });
  if (!loaded.ok) throw new Error(formatTopologyProblems(TOPOLOGY, loaded.problems));
  const connection = parseKafkaConnection({ brokers: splitBrokers(job.brokers), clientId: `bench-${job.applicationId}` });
  const app = new StreamsApp(
    loaded.topology,
    {
      applicationId: job.applicationId,
      kafka: connection,
      stateDir: job.stateDir,
      processingGuarantee: job.guarantee,
      commitIntervalMs: job.commitIntervalMs,
    },
    { logger: createLogger({ level: 'warn' }) },
  );
  const rss = new RssSampler();
  let memoryAtPeak = sampleMemory();
  const memorySampler = setInterval(() => {
    const sample = sampleMemory();
    if (sample.rssMb >= memoryAtPeak.rssMb) memoryAtPeak = sample;
  }, 1000);
  const cpuAtStart = ownCpuMs();
  const started = process.hrtime.bigint();
  await app.start();
  onReady();
  let snapshot: AppSnapshot = app.snapshot();
  let lastOut = -1;
  let lastChange = Date.now();
  let problem: string | undefined;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    snapshot = app.snapshot();
    const out = snapshot.recordsOut[job.outputTopic] ?? 0;
    const inn = snapshot.recordsIn[job.inputTopic] ?? 0;
    if (out >= job.expectedEvents && inn >= job.expectedMessages) break;
    if (snapshot.state === 'ERROR' || snapshot.state === 'NOT_RUNNING') {
      await app.stopped; // rejects with the application's failure
      throw new Error(`sale-orders stopped in state ${snapshot.state}`);
    }
    if (out !== lastOut) {
      lastOut = out;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > job.stallMs) {
      problem = `stalled: ${out}/${job.expectedEvents} events out, ${inn}/${job.expectedMessages} messages in after ${job.stallMs / 1000} s without progress`;
      break;
    }
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = ownCpuMs() - cpuAtStart;
  const peakRssMb = rss.peakMb();
  rss.stop();
  clearInterval(memorySampler);
  await app.close();
  const closed = app.snapshot();
  return {
    kind: 'sale-orders',
    ms,
    recordsIn: snapshot.recordsIn[job.inputTopic] ?? 0,
    recordsOut: snapshot.recordsOut[job.outputTopic] ?? 0,
    recordsOutAtClose: closed.recordsOut[job.outputTopic] ?? 0,
    peakRssMb,
    maxRssMb: maxRssMb(),
    cpuMs,
    memoryAtPeak,
    metrics: sumProcessorMetrics(closed),
    ...(problem === undefined ? {} : { problem }),
  };
}

function sampleMemory(): MemoryAtPeak {
  const mb = (bytes: number): number => Math.round(bytes / 1048576);
  const memory = process.memoryUsage();
  const rocksDb = rocksDbMemoryUsage();
  return {
    rssMb: mb(memory.rss),
    heapTotalMb: mb(memory.heapTotal),
    heapUsedMb: mb(memory.heapUsed),
    arrayBuffersMb: mb(memory.arrayBuffers),
    rocksDbDatabases: rocksDb.databases,
    rocksDbMemtablesMb: mb(rocksDb.memtableBytes),
    rocksDbBlockCacheMb: mb(rocksDb.blockCacheBytes),
    rocksDbTableReadersMb: mb(rocksDb.tableReaderBytes),
  };
}

function sumProcessorMetrics(snapshot: AppSnapshot): Record<string, number> {
  const sums: Record<string, number> = { commits: snapshot.commits.count, commitMsTotal: snapshot.commits.totalMs, commitMsMax: snapshot.commits.maxMs };
  for (const task of snapshot.tasks) {
    for (const metrics of Object.values(task.processors)) {
      for (const [name, value] of Object.entries(metrics)) sums[name] = (sums[name] ?? 0) + value;
    }
  }
  return sums;
}
