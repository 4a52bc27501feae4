import { writeHeapSnapshot } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { createLogger, parseKafkaConnection, rocksDbMemoryUsage, splitBrokers, StreamsApp, type AppSnapshot } from '../src/index.js';
import { formatTopologyProblems, loadTopology } from '../src/cli/load-topology.js';
import type { JobResult, LiveMemory, MemoryAtPeak, SaleOrdersJob } from './bench-jobs.js';
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
  const live = job.collectBeforeEachSample === true ? new LiveMemoryTracker() : undefined;
  const memorySampler = setInterval(() => {
    const sample = sampleMemory();
    if (sample.rssMb >= memoryAtPeak.rssMb) memoryAtPeak = sample;
    live?.sample(sample);
  }, 1000);
  const heapSnapshot = job.heapSnapshot;
  const heapSnapshotTimer =
    heapSnapshot === undefined
      ? undefined
      : setTimeout(() => {
          // writeHeapSnapshot collects first: the file holds what is live, with its retainers.
          const path = writeHeapSnapshot(heapSnapshot.path);
          process.stderr.write(`heap snapshot written to ${path}\n`);
        }, heapSnapshot.afterMs);
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
  clearTimeout(heapSnapshotTimer);
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
    ...(live === undefined ? {} : { liveMemory: live.result() }),
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

/** Collects fully after each regular sample and keeps the sample with the most live memory. */
class LiveMemoryTracker {
  private readonly collect: () => void;
  private samples = 0;
  private collectionMs = 0;
  private peakRssAfterCollectionMb = 0;
  private best: { readonly before: MemoryAtPeak; readonly after: MemoryAtPeak } | undefined;

  constructor() {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error('collectBeforeEachSample needs the worker to run with --expose-gc');
    this.collect = gc;
  }

  sample(before: MemoryAtPeak): void {
    const started = performance.now();
    this.collect();
    // V8 frees dead ArrayBuffers' memory on a background sweeper after a collection, and the next
    // collection first waits for that sweep: after the second one the array buffer count is what lives.
    this.collect();
    this.collectionMs += performance.now() - started;
    this.samples++;
    const after = sampleMemory();
    this.peakRssAfterCollectionMb = Math.max(this.peakRssAfterCollectionMb, after.rssMb);
    const live = (m: MemoryAtPeak): number => m.heapUsedMb + m.arrayBuffersMb;
    if (this.best === undefined || live(after) >= live(this.best.after)) this.best = { before, after };
  }

  result(): LiveMemory {
    if (this.best === undefined) throw new Error('no live-memory sample was taken (the run ended within a second)');
    const { before, after } = this.best;
    return {
      samples: this.samples,
      atPeakLive: after,
      rssBeforeCollectionMb: before.rssMb,
      heapUsedBeforeCollectionMb: before.heapUsedMb,
      arrayBuffersBeforeCollectionMb: before.arrayBuffersMb,
      peakRssAfterCollectionMb: this.peakRssAfterCollectionMb,
      collectionMs: Math.round(this.collectionMs),
    };
  }
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
