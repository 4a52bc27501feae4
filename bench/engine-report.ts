import type { Guarantee } from './bench-jobs.js';
import { formatNumber, formatSummary, summarize } from './bench-stats.js';
import { describeCheck } from './engine-output-check.js';
import { ENGINE_AGGREGATE_BYTES, ENGINE_VALUE_BYTES } from './engine-workload.js';
import { SUBJECT_LABELS, type EngineSubject } from './engine-subjects.js';
import type { EngineRun, EngineStageResult } from './engine-stage.js';

/** Records per second over the steady part: the last 80 % of the output by append time (see EngineOutputCheck). */
export function engineRate(run: EngineRun): number {
  return run.spanMs > 0 ? run.check.steadyRecords / (run.spanMs / 1000) : Number.NaN;
}

/** CPU µs of the process (start-up included) per input record. */
export function engineCpuPerRecord(run: EngineRun, records: number): number {
  return (run.cpuMs * 1000) / records;
}

/**
 * Each run's figure divided by the Kafka Streams run of the same repetition and guarantee (the one
 * next to it in the rotation); the relay is compared with Kafka Streams at_least_once.
 */
export function ratiosToKafkaStreams(runs: readonly EngineRun[], subject: EngineSubject, guarantee: Guarantee, figure: (run: EngineRun) => number): number[] {
  const ratios: number[] = [];
  for (const run of runs) {
    if (run.subject !== subject || run.guarantee !== guarantee) continue;
    const peer = runs.find((r) => r.subject === 'kafka-streams' && r.guarantee === guarantee && r.rep === run.rep);
    if (peer === undefined) continue;
    const ratio = figure(run) / figure(peer);
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  return ratios;
}

const ROWS: readonly { readonly subject: EngineSubject; readonly guarantee: Guarantee; readonly guaranteeLabel: string }[] = [
  { subject: 'cdc-streams', guarantee: 'at_least_once', guaranteeLabel: 'at_least_once' },
  { subject: 'cdc-streams-2-threads', guarantee: 'at_least_once', guaranteeLabel: 'at_least_once' },
  { subject: 'kafka-streams', guarantee: 'at_least_once', guaranteeLabel: 'at_least_once' },
  { subject: 'cdc-streams', guarantee: 'exactly_once', guaranteeLabel: 'exactly_once' },
  { subject: 'cdc-streams-2-threads', guarantee: 'exactly_once', guaranteeLabel: 'exactly_once' },
  { subject: 'kafka-streams', guarantee: 'exactly_once', guaranteeLabel: 'exactly_once (v2)' },
  { subject: 'kafkajs', guarantee: 'at_least_once', guaranteeLabel: 'idempotent producer, no transactions' },
];

/** A run that stalled or failed has no figure (NaN); the output check column says why. */
const summarizeFinite = (values: readonly number[]) => summarize(values.filter(Number.isFinite));

const loads = (runs: readonly EngineRun[]): string => runs.map((r) => `${r.loadBefore.toFixed(1)}→${r.loadAfter.toFixed(1)}`).join(', ');

function checkCell(runs: readonly EngineRun[]): string {
  const bad = runs.filter((r) => !r.check.exact || r.problem !== undefined);
  if (bad.length === 0) return `all ${runs.length} exact`;
  return bad.map((r) => `rep ${r.rep}: ${[describeCheck(r.check), r.problem].filter((x) => x !== undefined).join('; ')}`).join('; ');
}

const ratioCell = (ratios: readonly number[]): string => (ratios.length === 0 ? '—' : formatSummary(summarize(ratios), 2));

/** The engine workload's two tables (throughput, peak RSS) with ratios to Kafka Streams, as markdown. */
export function engineSection(stage: EngineStageResult, javaVersion: string): string {
  const { workload } = stage;
  const throughput: string[] = [];
  const memory: string[] = [];
  for (const row of ROWS) {
    const runs = stage.runs.filter((r) => r.subject === row.subject && r.guarantee === row.guarantee);
    if (runs.length === 0) continue;
    const name = `${SUBJECT_LABELS[row.subject]} | ${row.guaranteeLabel}`;
    const rate = summarizeFinite(runs.map(engineRate));
    const span = summarizeFinite(runs.map((r) => r.spanMs / 1000));
    const startup = summarizeFinite(runs.map((r) => r.startupMs / 1000));
    const wall = summarizeFinite(runs.map((r) => r.wallMs / 1000));
    const cpu = summarizeFinite(runs.map((r) => r.cpuMs / 1000));
    const cpuPerRecord = summarizeFinite(runs.map((r) => engineCpuPerRecord(r, workload.records)));
    const changelog = runs.every((r) => r.changelogOffsets === undefined) ? '—' : formatSummary(summarizeFinite(runs.map((r) => r.changelogOffsets ?? Number.NaN)));
    throughput.push(
      `| ${name} | ${formatSummary(rate)} | ${ratioCell(ratiosToKafkaStreams(stage.runs, row.subject, row.guarantee, engineRate))} | ` +
        `${formatSummary(cpu, 1)} | ${formatSummary(cpuPerRecord, 1)} | ${ratioCell(ratiosToKafkaStreams(stage.runs, row.subject, row.guarantee, (r) => engineCpuPerRecord(r, workload.records)))} | ` +
        `${formatSummary(span, 1)} | ${formatSummary(startup, 1)} | ${formatSummary(wall, 1)} | ${changelog} | ${checkCell(runs)} | ${loads(runs)} |`,
    );
    const rss = summarizeFinite(runs.map((r) => r.peakRssMb));
    memory.push(`| ${name} | ${formatSummary(rss)} | ${ratioCell(ratiosToKafkaStreams(stage.runs, row.subject, row.guarantee, (r) => r.peakRssMb))} | ${loads(runs)} |`);
  }
  return [
    `Input: ${formatNumber(workload.records)} records over ${formatNumber(workload.keys)} keys in ${workload.partitions} partitions ` +
      `(string keys \`key-NNNNN\`, ${ENGINE_VALUE_BYTES}-byte big-endian signed values; ${(stage.inputBytes / 1048576).toFixed(1)} MiB of values, written in ${stage.writeSeconds.toFixed(1)} s), ` +
      `seed ${workload.seed}. Per-key sum and count in a RocksDB store with a changelog, one ${ENGINE_AGGREGATE_BYTES}-byte output per input, ` +
      `commit interval ${formatNumber(stage.commitIntervalMs)} ms, caches off. Each run is a fresh application id and state dir; ` +
      `rotation per repetition: cdc-streams, Kafka Streams (at_least_once), kafkajs, cdc-streams, Kafka Streams (exactly_once). Java: ${javaVersion}, JVM defaults.`,
    '',
    'Throughput: the last 80 % of the output records by append time / (last append − the 20th-percentile append; the output topic uses LogAppendTime); × Kafka Streams is the median (min–max) of each repetition\'s ratio to the Kafka Streams run of the same guarantee. ' +
      'CPU s: user + system time of the process, every thread, from spawn until its input was seen committed (start-up included), from /proc/<pid>/stat; CPU × Kafka Streams above 1 means more CPU per record.',
    '',
    '| run | guarantee | records/s | × Kafka Streams | CPU s | CPU µs per record | CPU × Kafka Streams | seconds: last 80 % of the output | start-up s: spawn → first output | seconds: spawn → input committed | changelog end offsets | output check | load 1-min (start→end of each rep) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...throughput,
    '',
    'Peak RSS: the process\'s VmHWM (/proc/<pid>/status), sampled every 200 ms and read once more when its input was committed, before it was stopped.',
    '',
    '| run | guarantee | peak RSS MB | × Kafka Streams | load 1-min (start→end of each rep) |',
    '| --- | --- | ---: | ---: | --- |',
    ...memory,
  ].join('\n');
}
