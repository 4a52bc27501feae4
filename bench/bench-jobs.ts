/** What the parent asks a stage worker (bench/stage-worker.ts) to run, and what it answers. */

export type Guarantee = 'at_least_once' | 'exactly_once';

export interface SaleOrdersJob {
  readonly kind: 'sale-orders';
  readonly brokers: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly applicationId: string;
  readonly stateDir: string;
  readonly guarantee: Guarantee;
  /** The run ends when the output count and the input count reach these. */
  readonly expectedEvents: number;
  readonly expectedMessages: number;
  readonly commitIntervalMs: number;
  /** Give up after this long without a new output record. */
  readonly stallMs: number;
  /**
   * Force a full collection before each memory sample (the worker runs with `--expose-gc`), so the
   * samples show what is live rather than what V8 has not collected yet. A diagnostic: it costs CPU.
   */
  readonly collectBeforeEachSample?: boolean;
  /** Write a heap snapshot (`v8.writeHeapSnapshot`) this long after the start, to open in Chrome DevTools. */
  readonly heapSnapshot?: { readonly afterMs: number; readonly path: string };
}

export interface PassthroughJob {
  readonly kind: 'passthrough';
  readonly brokers: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly groupId: string;
  readonly expectedMessages: number;
  readonly stallMs: number;
}

export interface RestoreJob {
  readonly kind: 'restore';
  readonly brokers: string;
  readonly inputTopic: string;
  readonly applicationId: string;
  readonly stateDir: string;
  readonly expectedKeys: number;
}

export type BenchJob = SaleOrdersJob | PassthroughJob | RestoreJob;

export interface JobResult {
  readonly kind: BenchJob['kind'];
  /** The timed span: app (or client) start until the target count (or restore done). */
  readonly ms: number;
  /** Input records read, output records written in the timed span (restore: records restored). */
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Output count after close (sale-orders: snapshot().recordsOut after `close()`). */
  readonly recordsOutAtClose: number;
  /** Highest `process.memoryUsage().rss` sampled every 200 ms, and the OS's lifetime max RSS. */
  readonly peakRssMb: number;
  readonly maxRssMb: number;
  /** CPU time (user + system, every thread) of the worker process over the timed span, ms. */
  readonly cpuMs: number;
  /** sale-orders: what the process held at the sample with the highest RSS (one a second). */
  readonly memoryAtPeak?: MemoryAtPeak;
  /** sale-orders with `collectBeforeEachSample`: the memory live after a full collection. */
  readonly liveMemory?: LiveMemory;
  /** Processor metrics summed over tasks (sale-orders), e.g. duplicatesDropped. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Set when the target was not reached (stall); the figures are then partial. */
  readonly problem?: string;
}

/** MB (MiB) each: RSS, the JS heap, Buffers outside it, and RocksDB's own estimate of what it holds. */
export interface MemoryAtPeak {
  readonly rssMb: number;
  /** What V8 holds for the JS heap (committed), of which heapUsedMb is live or not yet collected. */
  readonly heapTotalMb: number;
  readonly heapUsedMb: number;
  readonly arrayBuffersMb: number;
  readonly rocksDbDatabases: number;
  readonly rocksDbMemtablesMb: number;
  readonly rocksDbBlockCacheMb: number;
  readonly rocksDbTableReadersMb: number;
}

/**
 * Samples taken right after a forced full collection (one a second): `atPeakLive` is the sample whose
 * JS heap used + array buffers was highest (what the process could not have given back), with the RSS
 * and heap it had just before that collection.
 */
export interface LiveMemory {
  readonly samples: number;
  readonly atPeakLive: MemoryAtPeak;
  readonly rssBeforeCollectionMb: number;
  readonly heapUsedBeforeCollectionMb: number;
  readonly arrayBuffersBeforeCollectionMb: number;
  /** The highest RSS of any sample taken right after a collection. */
  readonly peakRssAfterCollectionMb: number;
  /** Main-thread time spent in the forced collections, ms. */
  readonly collectionMs: number;
}

export const RESULT_PREFIX = 'BENCH_RESULT ';
export const READY_PREFIX = 'BENCH_READY';
