/**
 * The benchmark (issues #8, #12): the engine workload (a per-key aggregate) in cdc-streams, Kafka
 * Streams 3.9.1 and a bare kafkajs consume → produce, in rotation; sale-orders end to end against a
 * real local broker, the bare kafkajs ceiling on the same topic, latency at half the maximum rate,
 * peak RSS, restore of a 1M-key store, and a CPU profile of one at_least_once run. Prints markdown
 * tables; the full run also writes them into docs/benchmarks.md.
 *
 *     npm run bench                 # 1M engine records, 200,000 orders, 3 repetitions, 1M-key restore, profile (~55 min on 2 cores)
 *     npm run bench -- --quick      # 200k engine records, 5,000 orders, 1 repetition, 100k-key restore, no profile (a few minutes)
 *
 * Options: --orders N, --reps N, --restore-keys N, --latency-orders N, --latency-mibps X (pace the latency stage at X MiB/s
 * instead of half the e2e stage's median; then it runs without that stage), --engine-records N, --engine-keys N,
 * --engine-subjects cdc-streams,kafka-streams,cdc-streams-2-threads,kafkajs (the engine rotation's subjects to run; all by default),
 * --engine-cpu-prof DIR (a `node --cpu-prof` profile of each cdc-streams engine run, into DIR),
 * --sale-orders-node-args "ARGS" (extra node arguments for the e2e and live-memory stages' sale-orders workers, e.g.
 * "--max-old-space-size=256"),
 * --stages engine,e2e,latency,restore,profile,live-memory (live-memory, never by default: one sale-orders run per guarantee
 * with a full collection forced before each memory sample, to show what is live at the peak), --heap-snapshot-after-s N
 * (live-memory stage: each run also writes a heap snapshot N s after its start, into the temp dir), --write-docs / --no-docs (default: write for the full run
 * with every stage only). KAFKA_BROKERS is honoured. The engine stage needs `mvn` and `java` (17+) to build and run the
 * Kafka Streams peer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { parseKafkaConnection, splitBrokers } from '../src/index.js';
import { simulateFlashSale } from '../src/sim/index.js';
import { ensureBroker, KAFKA_VERSION, type BrokerHandle } from '../src/local-broker/index.js';
import { ensureTopics, readTopic, writeMessages } from '../src/kafka-tools/index.js';
import type { Guarantee, SaleOrdersJob } from './bench-jobs.js';
import { appCpuShare, fullReport, writeDocs, type BenchRun, type ProducedTopic, type TimedRun } from './bench-report.js';
import { load1, machineInfo, summarize } from './bench-stats.js';
import { ROTATION, runEngineStage } from './engine-stage.js';
import type { EngineSubject } from './engine-subjects.js';
import { runLatencyStage } from './latency-stage.js';
import { fillChangelog, RESTORE_VALUE_BYTES, timeRestore } from './restore-stage.js';
import { startStageProcess } from './stage-process.js';
import { formatProfileSummary, summarizeProfileFile } from './summarize-profile.js';

const DOCS = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const SHARDS = 4;
const PARTITIONS = 6;
const MAX_MESSAGE_BYTES = 16_384;
const SEED = 42;
const COMMIT_INTERVAL_MS = 1000;
const STALL_MS = 120_000;
const ENGINE_SEED = 12;

interface Flags {
  readonly quick: boolean;
  readonly orders: number;
  readonly reps: number;
  readonly restoreKeys: number;
  readonly latencyOrders: number;
  /** A fixed pace for the latency stage (MiB/s); otherwise half the e2e stage's median at_least_once rate. */
  readonly latencyMibPerSecond: number | undefined;
  readonly engineRecords: number;
  readonly engineKeys: number;
  readonly engineSubjects: ReadonlySet<EngineSubject> | undefined;
  readonly engineCpuProfileDir: string | undefined;
  readonly stages: ReadonlySet<string>;
  /** Extra `node` arguments for the sale-orders workers of the e2e and live-memory stages (e.g. a heap limit). */
  readonly saleOrdersNodeArgs: readonly string[];
  /** live-memory stage: each run also writes a heap snapshot this many seconds after its start. */
  readonly heapSnapshotAfterS: number | undefined;
  readonly writeDocs: boolean;
}

function parseFlags(argv: readonly string[]): Flags {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const int = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
    return n;
  };
  const stages = new Set((value('--stages') ?? (quick ? 'engine,e2e,latency,restore' : 'engine,e2e,latency,restore,profile')).split(','));
  for (const s of stages) if (!['engine', 'e2e', 'latency', 'restore', 'profile', 'live-memory'].includes(s)) throw new Error(`unknown stage '${s}'`);
  const latencyMibps = value('--latency-mibps');
  const latencyMibPerSecond = latencyMibps === undefined ? undefined : Number(latencyMibps);
  if (latencyMibPerSecond !== undefined && !(latencyMibPerSecond > 0)) throw new Error(`--latency-mibps must be a positive number, got '${latencyMibps}'`);
  if (stages.has('latency') && !stages.has('e2e') && latencyMibPerSecond === undefined) {
    throw new Error('the latency stage needs the e2e stage (its rate is half the measured maximum) or --latency-mibps');
  }
  return {
    quick,
    orders: int('--orders', quick ? 5_000 : 200_000),
    reps: int('--reps', quick ? 1 : 3),
    restoreKeys: int('--restore-keys', quick ? 100_000 : 1_000_000),
    latencyOrders: int('--latency-orders', quick ? 2_000 : 20_000),
    latencyMibPerSecond,
    engineRecords: int('--engine-records', quick ? 200_000 : 1_000_000),
    engineKeys: int('--engine-keys', 10_000),
    engineSubjects: parseEngineSubjects(value('--engine-subjects')),
    engineCpuProfileDir: value('--engine-cpu-prof'),
    heapSnapshotAfterS: value('--heap-snapshot-after-s') === undefined ? undefined : int('--heap-snapshot-after-s', 0),
    saleOrdersNodeArgs: (value('--sale-orders-node-args') ?? '').split(' ').filter((arg) => arg !== ''),
    stages,
    // A run of some stages only would replace the recorded results of the others with "(not run)".
    writeDocs: argv.includes('--write-docs') || (!quick && !argv.includes('--no-docs') && value('--stages') === undefined && latencyMibps === undefined && value('--engine-subjects') === undefined && value('--engine-cpu-prof') === undefined && value('--sale-orders-node-args') === undefined),
  };
}

function parseEngineSubjects(raw: string | undefined): ReadonlySet<EngineSubject> | undefined {
  if (raw === undefined) return undefined;
  const known = new Set<string>(ROTATION.map((r) => r.subject));
  const subjects = raw.split(',');
  for (const s of subjects) if (!known.has(s)) throw new Error(`unknown engine subject '${s}' (known: ${[...known].join(', ')})`);
  return new Set(subjects as EngineSubject[]);
}

/** Commits of a sale-orders run (counted by the app over all its tasks), for a look at what stalls processing. */
function commitSummary(metrics: Readonly<Record<string, number>>): string {
  const count = metrics['commits'];
  if (count === undefined || count === 0) return '';
  return `, ${count} commits (mean ${Math.round((metrics['commitMsTotal'] ?? 0) / count)} ms, max ${Math.round(metrics['commitMsMax'] ?? 0)} ms)`;
}

const say = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${load1().toFixed(1)}] ${line}\n`);
};

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const broker: BrokerHandle = await ensureBroker({ log: say });
  const workDir = await mkdtemp(join(tmpdir(), 'cdc-streams-bench-'));
  const id = Date.now().toString(36);
  try {
    const run = await runBench(flags, command, broker, workDir, id);
    const markdown = fullReport(run);
    process.stdout.write(`\n${markdown}\n`);
    if (flags.writeDocs) {
      await writeDocs(DOCS, markdown);
      say(`wrote the results into ${DOCS}`);
    }
  } finally {
    if (!broker.startedHere) await deleteBenchTopics(broker.brokers, id);
    await rm(workDir, { recursive: true, force: true });
    if (broker.startedHere) {
      say('stopping the broker the bench started');
      await broker.stop();
    }
  }
}

async function runBench(flags: Flags, command: string, broker: BrokerHandle, workDir: string, id: string): Promise<BenchRun> {
  const brokers = broker.brokers;
  const connection = parseKafkaConnection({ brokers: splitBrokers(brokers), clientId: 'cdc-streams-bench' });

  let engine: BenchRun['engine'];
  if (flags.stages.has('engine')) {
    const kafka = new Kafka({ clientId: 'bench-engine-admin', brokers: splitBrokers(brokers), logLevel: logLevel.WARN });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const result = await runEngineStage({
        brokers,
        connection,
        admin,
        workload: { records: flags.engineRecords, keys: flags.engineKeys, partitions: PARTITIONS, seed: ENGINE_SEED },
        reps: flags.reps,
        workDir,
        id,
        commitIntervalMs: COMMIT_INTERVAL_MS,
        stallMs: STALL_MS,
        ...(flags.engineSubjects === undefined ? {} : { subjects: flags.engineSubjects }),
        ...(flags.engineCpuProfileDir === undefined ? {} : { cpuProfileDir: flags.engineCpuProfileDir }),
        log: say,
      });
      engine = { result, javaVersion: javaVersion() };
    } finally {
      await admin.disconnect();
    }
  }

  const simOptions = { seed: SEED, orders: flags.orders, shards: SHARDS, partitions: PARTITIONS, maxMessageBytes: MAX_MESSAGE_BYTES };
  const inputTopic = `bench.dts-${id}`;
  // The simulated binlog's event times lie in the past: time-based retention would delete it at once.
  const topicConfig = { 'retention.ms': '-1' };
  let expectedEvents = 0;
  let written = { messages: 0, bytes: 0 };
  if (flags.stages.has('e2e') || flags.stages.has('profile') || flags.stages.has('live-memory')) {
    const sim = simulateFlashSale(simOptions);
    say(`simulating ${flags.orders} orders (${SHARDS} shards, ${PARTITIONS} partitions, messages ≤ ${MAX_MESSAGE_BYTES} bytes)`);
    for (const order of sim.groundTruth) expectedEvents += order.events.length;
    await ensureTopics(connection, [{ topic: inputTopic, partitions: PARTITIONS, config: topicConfig }]);
    written = await writeMessages(connection, inputTopic, sim.messages);
    say(`wrote ${written.messages} messages (${(written.bytes / 1048576).toFixed(1)} MiB) to ${inputTopic}; ground truth: ${expectedEvents} events`);
  }

  const saleOrdersJob = (guarantee: Guarantee, tag: string, input = inputTopic): SaleOrdersJob => ({
    kind: 'sale-orders',
    brokers,
    inputTopic: input,
    outputTopic: `bench.order-events-${id}-${tag}`,
    applicationId: `bench-sale-orders-${id}-${tag}`,
    stateDir: join(workDir, `state-${tag}`),
    guarantee,
    expectedEvents,
    expectedMessages: written.messages,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    stallMs: STALL_MS,
  });
  const timed = async (start: () => ReturnType<typeof startStageProcess>, label: string, outputTopic: string, applicationId?: string): Promise<TimedRun> => {
    const loadBefore = load1();
    const result = await start().result;
    const loadAfter = load1();
    // The sanity check: what the output topic holds for a read_committed reader (not the app's own counter).
    let outputCount = 0;
    for await (const _ of readTopic(connection, outputTopic, { isolation: 'read_committed', idleMs: 2000 })) outputCount++;
    const produced = applicationId === undefined ? undefined : await producedRecords(brokers, applicationId, outputTopic);
    const cpuPerEvent = applicationId !== undefined && expectedEvents > 0 ? `, ${Math.round((result.cpuMs * 1000) / expectedEvents)} per output event` : '';
    const cpuPerMessage = written.messages > 0 ? ` (${Math.round((result.cpuMs * 1000) / written.messages)} µs per input message${cpuPerEvent})` : '';
    const m = result.memoryAtPeak;
    if (m !== undefined) {
      say(
        `${label} memory at the peak sample: RSS ${m.rssMb} MB, JS heap ${m.heapTotalMb} (used ${m.heapUsedMb}), array buffers ${m.arrayBuffersMb}, ` +
          `RocksDB (${m.rocksDbDatabases} databases) memtables ${m.rocksDbMemtablesMb}, block caches ${m.rocksDbBlockCacheMb}, table readers ${m.rocksDbTableReadersMb}`,
      );
    }
    say(
      `${label}: ${(result.ms / 1000).toFixed(1)} s, CPU ${(result.cpuMs / 1000).toFixed(1)} s${cpuPerMessage}, ${result.recordsIn} in, ${outputCount} on the output topic, peak RSS ${result.peakRssMb} MB${commitSummary(result.metrics)}` +
        `${produced === undefined ? '' : `; produced ${produced.map((p) => `${p.topic} ${p.records}`).join(', ')}`}${result.problem === undefined ? '' : ` — ${result.problem}`}`,
    );
    return { result: { ...result, recordsOutAtClose: outputCount }, loadBefore, loadAfter, ...(produced === undefined ? {} : { produced }) };
  };

  const e2e: BenchRun['e2e'] = { at_least_once: [], exactly_once: [], passthrough: [] };
  if (flags.stages.has('e2e')) {
    // Repetitions interleave the three runs so a change of load on the shared machine hits all of them.
    for (let rep = 1; rep <= flags.reps; rep++) {
      for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
        const job = saleOrdersJob(guarantee, `${guarantee === 'at_least_once' ? 'alo' : 'eos'}-${rep}`);
        e2e[guarantee].push(await timed(() => startStageProcess(job, flags.saleOrdersNodeArgs), `sale-orders ${guarantee} rep ${rep}`, job.outputTopic, job.applicationId));
        await rm(job.stateDir, { recursive: true, force: true });
      }
      const passJob = { kind: 'passthrough', brokers, inputTopic, outputTopic: `bench.passthrough-${id}-${rep}`, groupId: `bench-passthrough-${id}-${rep}`, expectedMessages: written.messages, stallMs: STALL_MS } as const;
      await ensureTopics(connection, [{ topic: passJob.outputTopic, partitions: PARTITIONS, config: topicConfig }]);
      e2e.passthrough.push(await timed(() => startStageProcess(passJob), `ceiling rep ${rep}`, passJob.outputTopic));
    }
  }

  let profile: BenchRun['profile'];
  if (flags.stages.has('profile')) {
    const profDir = join(tmpdir(), `cdc-streams-bench-prof-${id}`);
    const job = saleOrdersJob('at_least_once', 'profile');
    const run = await timed(() => startStageProcess(job, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]), 'sale-orders at_least_once under --cpu-prof', job.outputTopic);
    // Node writes one profile per thread; tsx's module-hooks thread has its own. The main thread's is the largest.
    const files = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f));
    if (files.length === 0) throw new Error(`no .cpuprofile in ${profDir}`);
    const sizes = await Promise.all(files.map(async (f) => ({ f, size: (await stat(f)).size })));
    const path = sizes.sort((a, b) => b.size - a.size)[0]?.f ?? (files[0] as string);
    profile = { file: path, summary: formatProfileSummary(await summarizeProfileFile(path), 20), run };
    say(`profile written to ${path}`);
  }

  if (flags.stages.has('live-memory')) {
    for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
      const tag = `live-${guarantee === 'at_least_once' ? 'alo' : 'eos'}`;
      const job = {
        ...saleOrdersJob(guarantee, tag),
        collectBeforeEachSample: true,
        ...(flags.heapSnapshotAfterS === undefined ? {} : { heapSnapshot: { afterMs: flags.heapSnapshotAfterS * 1000, path: join(tmpdir(), `cdc-streams-bench-${id}-${tag}.heapsnapshot`) } }),
      };
      const run = await timed(() => startStageProcess(job, ['--expose-gc', ...flags.saleOrdersNodeArgs]), `sale-orders ${guarantee}, collecting before each sample`, job.outputTopic, job.applicationId);
      const live = run.result.liveMemory;
      if (live !== undefined) {
        const m = live.atPeakLive;
        say(
          `${guarantee} live memory (${live.samples} forced collections, ${(live.collectionMs / 1000).toFixed(1)} s in them): at the most live sample ` +
            `JS heap used ${m.heapUsedMb} MB (${live.heapUsedBeforeCollectionMb} before the collection), array buffers ${m.arrayBuffersMb} (${live.arrayBuffersBeforeCollectionMb} before), ` +
            `committed heap ${m.heapTotalMb}, RocksDB memtables ${m.rocksDbMemtablesMb} + block caches ${m.rocksDbBlockCacheMb} + table readers ${m.rocksDbTableReadersMb}, ` +
            `RSS ${m.rssMb} after the collection (${live.rssBeforeCollectionMb} before); highest RSS after any collection ${live.peakRssAfterCollectionMb}, highest RSS of the run ${run.result.peakRssMb}`,
        );
      }
      await rm(job.stateDir, { recursive: true, force: true });
    }
  }

  let latency: BenchRun['latency'];
  if (flags.stages.has('latency')) {
    // Paced by bytes: the flash sale is front-loaded, so the first messages are packed 16 KiB data
    // messages and the long tail is small heartbeats; half the message rate would overload the burst.
    const bytesPerSecond =
      flags.latencyMibPerSecond === undefined
        ? Math.max(1024, Math.round(summarize(e2e.at_least_once.map((r) => written.bytes / (r.result.ms / 1000))).median / 2))
        : Math.round(flags.latencyMibPerSecond * 1048576);
    const latencySim = simulateFlashSale({ ...simOptions, orders: flags.latencyOrders });
    let latencyEvents = 0;
    for (const order of latencySim.groundTruth) latencyEvents += order.events.length;
    let latencyMessages = 0;
    let latencyBytes = 0;
    for (const m of latencySim.messages) {
      latencyMessages++;
      latencyBytes += m.value.length;
    }
    const latencyInput = `bench.dts-latency-${id}`;
    const job = { ...saleOrdersJob('at_least_once', 'latency', latencyInput), expectedEvents: latencyEvents, expectedMessages: latencyMessages };
    await ensureTopics(connection, [
      { topic: latencyInput, partitions: PARTITIONS, config: topicConfig },
      { topic: job.outputTopic, partitions: PARTITIONS, config: { 'message.timestamp.type': 'LogAppendTime' } },
    ]);
    say(`latency: feeding ${latencyMessages} messages (${flags.latencyOrders} orders) at ${(bytesPerSecond / 1048576).toFixed(2)} MiB/s (~${Math.round(latencyBytes / bytesPerSecond)} s)`);
    const loadBefore = load1();
    const result = await runLatencyStage({ job, messages: latencySim.messages, partitions: PARTITIONS, bytesPerSecond, orders: flags.latencyOrders });
    latency = { result, loadBefore, loadAfter: load1(), fixedPace: flags.latencyMibPerSecond !== undefined };
    say(`latency: p50 ${result.total.p50} ms, p99 ${result.total.p99} ms over ${result.events} events; processing p50 ${result.processing.p50} ms, p99 ${result.processing.p99} ms (after warm-up: p50 ${result.processingWarm.p50}, p99 ${result.processingWarm.p99})${commitSummary(result.app.metrics)}; app CPU ${appCpuShare(result.app)}`);
  }

  let restore: BenchRun['restore'];
  if (flags.stages.has('restore')) {
    const applicationId = `bench-restore-${id}`;
    const input = `bench.restore-input-${id}`;
    say(`restore: writing ${flags.restoreKeys} keys into ${applicationId}-kv-changelog`);
    const writeSeconds = await fillChangelog(brokers, applicationId, input, flags.restoreKeys);
    const runs: TimedRun[] = [];
    for (let rep = 1; rep <= flags.reps; rep++) {
      const r = await timeRestore(brokers, applicationId, input, flags.restoreKeys, workDir, rep);
      say(`restore rep ${rep}: ${(r.result.ms / 1000).toFixed(1)} s, ${r.result.recordsIn} records, peak RSS ${r.result.peakRssMb} MB`);
      runs.push(r);
    }
    restore = { keys: flags.restoreKeys, valueBytes: RESTORE_VALUE_BYTES, writeSeconds, runs };
  }

  return {
    command,
    quick: flags.quick,
    startedAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: machineInfo(),
    kafka: broker.how === 'env' ? 'as found at KAFKA_BROKERS (version not checked)' : `${KAFKA_VERSION} (${broker.how})`,
    orders: flags.orders,
    inputMessages: written.messages,
    inputBytes: written.bytes,
    expectedEvents,
    e2e,
    ...(engine === undefined ? {} : { engine }),
    ...(latency === undefined ? {} : { latency }),
    ...(restore === undefined ? {} : { restore }),
    ...(profile === undefined ? {} : { profile }),
  };
}

/** `java -version`'s first line (it prints to stderr), for the report. */
function javaVersion(): string {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error !== undefined) return `java -version failed: ${result.error.message}`;
  return `${result.stderr}${result.stdout}`.split('\n')[0]?.trim() ?? 'unknown';
}

/** What a sale-orders run wrote: its output topic and each internal topic (repartition, changelogs), by end offsets. */
async function producedRecords(brokers: string, applicationId: string, outputTopic: string): Promise<ProducedTopic[]> {
  const kafka = new Kafka({ clientId: 'bench-produced', brokers: splitBrokers(brokers), logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const prefix = `${applicationId}-`;
    const topics = (await admin.listTopics()).filter((t) => t === outputTopic || t.startsWith(prefix)).sort();
    const produced: ProducedTopic[] = [];
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const records = offsets.reduce((sum, p) => sum + Number(p.high), 0);
      produced.push({ topic: topic === outputTopic ? 'output' : topic.slice(prefix.length), records });
    }
    return produced;
  } finally {
    await admin.disconnect();
  }
}

/** On somebody else's broker, remove what this run created (its own topics and its applications' internal topics). */
async function deleteBenchTopics(brokers: string, id: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-cleanup', brokers: brokers.split(','), logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith('bench') && t.includes(id));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    say(`deleted ${mine.length} bench topics`);
  } finally {
    await admin.disconnect();
  }
}

await main();
