import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { CdcStreamsError, type KafkaConnection } from '../src/index.js';
import { ensureTopics, readTopic, writeMessages } from '../src/kafka-tools/index.js';
import type { Guarantee } from './bench-jobs.js';
import { load1 } from './bench-stats.js';
import { describeCheck, EngineOutputCheck, type EngineCheckResult, type EngineOutputShape } from './engine-output-check.js';
import { ENGINE_STORE, engineInput, type EngineWorkload } from './engine-workload.js';
import { engineRate } from './engine-report.js';
import { ensureKafkaStreamsPeerJar } from './kafka-streams-peer.js';
import { processCpuMs } from './process-cpu.js';
import { ProcessMemorySampler } from './process-memory.js';
import { startSubject, type EngineSubject } from './engine-subjects.js';
import type { WatchedProcess } from './watched-process.js';

const POLL_MS = 250;
const STOP_GRACE_MS = 60_000;

/**
 * One repetition's rotation: each engine right after the other under the same guarantee, so a change
 * of load on the shared machine hits both sides of a ratio alike.
 */
export const ROTATION: readonly { readonly subject: EngineSubject; readonly guarantee: Guarantee }[] = [
  { subject: 'cdc-streams', guarantee: 'at_least_once' },
  { subject: 'kafka-streams', guarantee: 'at_least_once' },
  { subject: 'cdc-streams-2-threads', guarantee: 'at_least_once' },
  { subject: 'kafkajs', guarantee: 'at_least_once' },
  { subject: 'cdc-streams', guarantee: 'exactly_once' },
  { subject: 'kafka-streams', guarantee: 'exactly_once' },
  { subject: 'cdc-streams-2-threads', guarantee: 'exactly_once' },
];

export interface EngineRun {
  readonly subject: EngineSubject;
  /** Also its consumer group. */
  readonly applicationId: string;
  /** The relay has no transactions: its runs are listed as at_least_once. */
  readonly guarantee: Guarantee;
  readonly rep: number;
  readonly check: EngineCheckResult;
  /**
   * The steady part's span: from the append time of the output record at the 20th percentile to the
   * last one appended (the output topic uses LogAppendTime); `check.steadyRecords` came in it.
   */
  readonly spanMs: number;
  /** Process spawned → first output record appended. */
  readonly startupMs: number;
  /** Process spawned → the whole input seen committed by the subject's consumer group. */
  readonly wallMs: number;
  /**
   * Sum of the store changelog's end offsets (transaction markers included under exactly_once); none
   * for the relay. Kafka Streams without a cache logs every update; cdc-streams logs each key's last
   * write per commit.
   */
  readonly changelogOffsets?: number;
  /** The process's peak RSS (the kernel's VmHWM), read before it was stopped. */
  readonly peakRssMb: number;
  /** CPU time (user + system, every thread) of the process from spawn until its input was seen committed, ms (/proc/<pid>/stat). */
  readonly cpuMs: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** Why the run is not a clean measurement (stalled, exited early, had to be killed). */
  readonly problem?: string;
}

export interface EngineStageResult {
  readonly workload: EngineWorkload;
  readonly inputBytes: number;
  readonly writeSeconds: number;
  readonly commitIntervalMs: number;
  readonly runs: readonly EngineRun[];
}

export interface EngineStageOptions {
  readonly brokers: string;
  readonly connection: KafkaConnection;
  readonly admin: Admin;
  readonly workload: EngineWorkload;
  readonly reps: number;
  readonly workDir: string;
  /** Makes this bench run's topic and group names unique on a shared broker. */
  readonly id: string;
  readonly commitIntervalMs: number;
  /** A run that commits no new input for this long is stopped and reported as stalled. */
  readonly stallMs: number;
  /** Runs only these subjects of the rotation (all when undefined): an A/B of one engine needs no peer. */
  readonly subjects?: ReadonlySet<EngineSubject>;
  /** Profiles each cdc-streams run with `node --cpu-prof` into this directory (its figures then include the profiler's cost). */
  readonly cpuProfileDir?: string;
  readonly log: (line: string) => void;
}

/** A subject's output topic does not hold what the run produced, or the run could not be measured. */
export class EngineRunError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'BENCH_ENGINE_RUN', cause });
  }
}

/**
 * The engine workload (docs/benchmarks.md, "Engine workload"): builds the Kafka Streams peer, writes
 * the input once, then runs the rotation `reps` times. Each run is a separate process measured from
 * outside the same way: its consumer group's committed offsets say when it is done, the output topic's
 * append times give its throughput, /proc gives its peak RSS, and a read_committed read of its output
 * checks every record.
 */
export async function runEngineStage(options: EngineStageOptions): Promise<EngineStageResult> {
  const { workload, log } = options;
  const rotation = ROTATION.filter((r) => options.subjects === undefined || options.subjects.has(r.subject));
  const peerJar = rotation.some((r) => r.subject === 'kafka-streams') ? await ensureKafkaStreamsPeerJar(log) : '';
  const inputTopic = `bench.engine-in-${options.id}`;
  await ensureTopics(options.connection, [{ topic: inputTopic, partitions: workload.partitions }]);
  log(`engine: writing ${workload.records} records over ${workload.keys} keys to ${inputTopic}`);
  const writeStarted = Date.now();
  const written = await writeMessages(options.connection, inputTopic, engineInput(workload));
  const writeSeconds = (Date.now() - writeStarted) / 1000;
  const endOffsets = new Map((await options.admin.fetchTopicOffsets(inputTopic)).map((p) => [p.partition, BigInt(p.high)]));
  const total = [...endOffsets.values()].reduce((a, b) => a + b, 0n);
  if (total !== BigInt(workload.records)) throw new EngineRunError(`${inputTopic} holds ${total} records after writing ${workload.records}`);

  const runs: EngineRun[] = [];
  const groups: string[] = [];
  for (let rep = 1; rep <= options.reps; rep++) {
    for (const { subject, guarantee } of rotation) {
      const run = await runOnce(options, { inputTopic, endOffsets, peerJar }, subject, guarantee, rep);
      groups.push(run.applicationId);
      const rate = Math.round(engineRate(run));
      log(
        `engine ${subject} ${guarantee} rep ${rep}: ${rate} records/s (${(run.spanMs / 1000).toFixed(1)} s for the last 80 % of the output, start-up ${(run.startupMs / 1000).toFixed(1)} s), ` +
          `CPU ${(run.cpuMs / 1000).toFixed(1)} s (${Math.round((run.cpuMs * 1000) / options.workload.records)} µs per record), peak RSS ${run.peakRssMb} MB, output ${describeCheck(run.check)}${run.problem === undefined ? '' : ` — ${run.problem}`}`,
      );
      runs.push(run);
    }
  }
  await deleteGroups(options, groups);
  return { workload, inputBytes: written.bytes, writeSeconds, commitIntervalMs: options.commitIntervalMs, runs };
}

interface Input {
  readonly inputTopic: string;
  readonly endOffsets: ReadonlyMap<number, bigint>;
  readonly peerJar: string;
}

const TAGS: Readonly<Record<EngineSubject, string>> = { 'cdc-streams': 'cdc', 'cdc-streams-2-threads': 'cdc2t', 'kafka-streams': 'ks', kafkajs: 'relay' };

async function runOnce(options: EngineStageOptions, input: Input, subject: EngineSubject, guarantee: Guarantee, rep: number): Promise<EngineRun> {
  const tag = `${TAGS[subject]}-${guarantee === 'at_least_once' ? 'alo' : 'eos'}-${rep}`;
  const applicationId = `bench-engine-${options.id}-${tag}`;
  const outputTopic = `bench.engine-out-${options.id}-${tag}`;
  const stateDir = join(options.workDir, `engine-${tag}`);
  await createOutputTopic(options, outputTopic);

  const loadBefore = load1();
  const started = await startSubject(subject, {
    brokers: options.brokers,
    inputTopic: input.inputTopic,
    outputTopic,
    applicationId,
    stateDir,
    guarantee,
    commitIntervalMs: options.commitIntervalMs,
    peerJar: input.peerJar,
    ...(options.cpuProfileDir === undefined ? {} : { cpuProfileDir: options.cpuProfileDir }),
  });
  const memory = new ProcessMemorySampler(started.pid);
  let problem: string | undefined;
  let wallMs = Number.NaN;
  let peakRssMb: number;
  let cpuMs = Number.NaN;
  try {
    const waited = await waitForInputCommitted(options.admin, applicationId, input, started, options.stallMs);
    if (waited.problem === undefined) wallMs = waited.doneAt - started.startedAt;
    problem = waited.problem;
    cpuMs = (await processCpuMs(started.pid)) ?? Number.NaN;
    peakRssMb = await memory.peakMb();
  } finally {
    memory.stop();
    const stopped = await started.stop(STOP_GRACE_MS);
    // A clean close exits 0; the JVM answers SIGTERM with 143 (128 + 15) after its shutdown hook ran.
    const clean = stopped.code === 0 || stopped.code === 143 || stopped.signal === 'SIGTERM';
    const stopProblem = stopped.killed
      ? `did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM and was killed`
      : clean
        ? undefined
        : `exited with ${stopped.signal ?? `code ${String(stopped.code)}`}`;
    if (stopProblem !== undefined && problem === undefined) problem = stopProblem;
    else if (stopProblem !== undefined) problem = `${problem}; ${stopProblem}`;
  }
  const loadAfter = load1();

  const shape: EngineOutputShape = subject === 'kafkajs' ? 'relay' : 'aggregate';
  const check = new EngineOutputCheck(options.workload, shape);
  for await (const record of readTopic(options.connection, outputTopic, { isolation: 'read_committed', idleMs: 1000 })) {
    check.add(record.key, record.value, record.timestamp);
  }
  const result = check.result();
  const changelogOffsets = subject === 'kafkajs' ? undefined : await endOffsetSum(options.admin, `${applicationId}-${ENGINE_STORE}-changelog`);
  await cleanUp(options, applicationId, outputTopic, stateDir);
  return {
    subject,
    applicationId,
    guarantee,
    rep,
    check: result,
    spanMs: result.records > 0 ? result.lastTimestamp - result.steadyFromTimestamp : Number.NaN,
    startupMs: result.records > 0 ? result.firstTimestamp - started.startedAt : Number.NaN,
    wallMs,
    ...(changelogOffsets === undefined ? {} : { changelogOffsets }),
    peakRssMb,
    cpuMs,
    loadBefore,
    loadAfter,
    ...(problem === undefined ? {} : { problem }),
  };
}

/**
 * Polls the group's committed offsets of the input topic until every partition reached its end:
 * under at_least_once the output was acknowledged before those commits, under exactly_once it was
 * committed in the same transactions. Resolves with a problem instead when the process exits first or
 * nothing new is committed for `stallMs`.
 */
async function waitForInputCommitted(
  admin: Admin,
  groupId: string,
  input: Input,
  subject: WatchedProcess,
  stallMs: number,
): Promise<{ readonly doneAt: number; readonly problem?: undefined } | { readonly problem: string }> {
  let exit: string | undefined;
  void subject.exited.then((e) => {
    exit = e.signal === null ? `code ${String(e.code)}` : e.signal;
  });
  const target = [...input.endOffsets.values()].reduce((a, b) => a + b, 0n);
  let lastCommitted = -1n;
  let lastChange = Date.now();
  for (;;) {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [input.inputTopic] });
    let committed = 0n;
    let done = true;
    for (const p of topic?.partitions ?? []) {
      const offset = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
      committed += offset;
      if (offset < (input.endOffsets.get(p.partition) ?? 0n)) done = false;
    }
    if (topic === undefined || topic.partitions.length < input.endOffsets.size) done = false;
    if (done) return { doneAt: Date.now() };
    if (exit !== undefined) return { problem: `exited (${exit}) with ${committed} of ${target} input records committed` };
    if (committed !== lastCommitted) {
      lastCommitted = committed;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      return { problem: `stalled at ${committed} of ${target} input records committed for ${stallMs / 1000} s` };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const CREATE_ATTEMPTS = 5;

/**
 * Creates the run's output topic. On a busy shared broker, right after the previous run's topics were
 * deleted, kafkajs's wait for the new topic's leaders can give up with a retriable error
 * (UNKNOWN_TOPIC_OR_PARTITION); creating again is harmless, as an existing topic is left as it is.
 */
async function createOutputTopic(options: EngineStageOptions, topic: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopics(options.connection, [{ topic, partitions: options.workload.partitions, config: { 'message.timestamp.type': 'LogAppendTime' } }]);
      return;
    } catch (error) {
      const retriable = typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
      if (!retriable || attempt >= CREATE_ATTEMPTS) throw error;
      options.log(`engine: creating ${topic} failed (${error instanceof Error ? error.message : String(error)}); attempt ${attempt + 1} of ${CREATE_ATTEMPTS} in 2 s`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

async function endOffsetSum(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Removes what the run left on the broker and disk: its output and internal topics, its state dir. */
async function cleanUp(options: EngineStageOptions, applicationId: string, outputTopic: string, stateDir: string): Promise<void> {
  const topics = (await options.admin.listTopics()).filter((t) => t === outputTopic || t.startsWith(`${applicationId}-`));
  if (topics.length > 0) await options.admin.deleteTopics({ topics });
  await rm(stateDir, { recursive: true, force: true });
}

/**
 * Deletes the runs' consumer groups at the end of the stage rather than after each run: Kafka Streams
 * does not leave its group on close, so its member holds the group until the session timeout (45 s).
 * Groups still held are left for the broker to expire; nothing of the measurement depends on them.
 */
async function deleteGroups(options: EngineStageOptions, groups: readonly string[]): Promise<void> {
  const left: string[] = [];
  for (const group of groups) {
    try {
      await options.admin.deleteGroups([group]);
    } catch (error) {
      left.push(`${group} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (left.length > 0) options.log(`engine: ${left.length} consumer groups still have a member and are left for the broker to expire: ${left.join(', ')}`);
}
