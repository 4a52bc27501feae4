/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function, by area of the code
 * base, and by sale-orders stage.
 *
 *     npx tsx bench/summarize-profile.ts /tmp/prof/CPU.*.cpuprofile [--top 20]
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly byFunction: readonly Share[];
  readonly byArea: readonly Share[];
  /** Busy time only (idle, GC and `(program)` excluded), by the innermost sale-orders stage on the stack. */
  readonly byStage: readonly Share[];
}

/** Areas, first match wins; tested against the frame's url. */
const AREAS: ReadonlyArray<readonly [string, RegExp]> = [
  ['src/cdc', /\/src\/cdc\//],
  ['src/state', /\/src\/state\//],
  ['serdes (src/serde, avsc, protobufjs)', /\/src\/serde\/|node_modules\/(avsc|protobufjs|@protobufjs)\//],
  ['rocksdb (binding, abstract-leveldown)', /node_modules\/(rocksdb|abstract-leveldown|level-[a-z-]+|napi-macros)\//],
  ['kafkajs', /node_modules\/kafkajs\//],
  ['src/runtime', /\/src\/runtime\//],
  ['src/processor, dsl, topology', /\/src\/(processor|dsl|topology)\//],
  ['topologies/sale-orders', /\/topologies\//],
  ['other src', /\/src\//],
  ['other node_modules', /node_modules\//],
  ['node core', /^node:/],
];

/**
 * sale-orders stages. A sample goes to the innermost processing stage on its stack (so a RocksDB get or a
 * serde called by the resequencer counts for the resequencer); only a sample with none of those on its
 * stack goes to the innermost infrastructure stage (commit, state stores, task engine, Kafka I/O). A scan's
 * `next()` resumes after an await with only the store on the stack, so the entries the resequencer's and the
 * timers' range scans read count for the state stores, not for their caller.
 */
const PROCESSING_STAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ['reassembly (chunk pieces)', /\/src\/cdc\/reassembly\//],
  ['DTS decode + normalize', /\/src\/cdc\/dts\/|node_modules\/(protobufjs|@protobufjs)\//],
  ['transactions (committed rows)', /\/src\/cdc\/transactions\//],
  ['watermarks', /\/src\/cdc\/watermarks\//],
  ['resequencer (hold, release, dedupe)', /\/src\/cdc\/resequencer\//],
  ['order-lifecycle processor', /\/topologies\/sale-orders/],
  ['Avro output serde', /\/src\/serde\/avro\/|node_modules\/avsc\//],
  ['change-event serde (repartition topic, held store)', /\/src\/cdc\/change-event-serde|\/src\/cdc\/serde\//],
  ['other cdc processors', /\/src\/cdc\//],
];
const INFRA_STAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ['commit protocol', /\/src\/runtime\/task\/commit-protocol/],
  ['state stores: flushes, and scans resumed after an await (src/state, rocksdb)', /\/src\/state\/|node_modules\/(rocksdb|abstract-leveldown)\//],
  ['task engine (src/runtime/task)', /\/src\/runtime\/task\//],
  ['Kafka I/O (kafkajs, src/runtime/kafka)', /node_modules\/kafkajs\/|\/src\/runtime\/kafka\//],
];

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function areaOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  if (frame.url === '') return '(native / builtins)';
  for (const [name, pattern] of AREAS) if (pattern.test(frame.url)) return name;
  return '(other)';
}

function shortUrl(url: string): string {
  const at = url.search(/\/(src|bench|topologies|node_modules)\//);
  return at >= 0 ? url.slice(at + 1) : url.replace(/^file:\/\//, '');
}

function shares(totals: Map<string, number>, totalMs: number): Share[] {
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1000, percent: totalMs === 0 ? 0 : (100 * us) / 1000 / totalMs }))
    .sort((a, b) => b.ms - a.ms);
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  const stage = new Map<string, number>();
  let totalUs = 0;
  let busyUs = 0;
  const stageCache = new Map<number, string>();
  const innermost = (id: number, stages: ReadonlyArray<readonly [string, RegExp]>): string | undefined => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)?.callFrame.url ?? '';
      for (const [name, pattern] of stages) if (pattern.test(url)) return name;
    }
    return undefined;
  };
  const stageOf = (id: number): string => {
    const cached = stageCache.get(id);
    if (cached !== undefined) return cached;
    const result = innermost(id, PROCESSING_STAGES) ?? innermost(id, INFRA_STAGES) ?? '(no stage on the stack: runtime glue, timers, node core)';
    stageCache.set(id, result);
    return result;
  };
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const frame = node.callFrame;
    totalUs += us;
    const a = areaOf(frame);
    area.set(a, (area.get(a) ?? 0) + us);
    // tsx-compiled sources report line 1 for everything: the file names the place there.
    const line = /\/(src|bench|topologies)\//.test(frame.url) && !frame.url.includes('node_modules') ? '' : `:${frame.lineNumber + 1}`;
    const fname = SPECIAL.has(frame.functionName) ? frame.functionName : `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${line}`;
    fn.set(fname, (fn.get(fname) ?? 0) + us);
    if (!SPECIAL.has(frame.functionName)) {
      busyUs += us;
      const s = stageOf(id);
      stage.set(s, (stage.get(s) ?? 0) + us);
    }
  }
  const totalMs = totalUs / 1000;
  return { totalMs, byFunction: shares(fn, totalMs), byArea: shares(area, totalMs), byStage: shares(stage, busyUs / 1000) };
}

export async function summarizeProfileFile(path: string): Promise<ProfileSummary> {
  return summarizeProfile(JSON.parse(await readFile(path, 'utf8')) as CpuProfile);
}

export function formatProfileSummary(summary: ProfileSummary, top = 20): string {
  const table = (title: string, rows: readonly Share[], n: number) =>
    [`| ${title} | self ms | % |`, '| --- | ---: | ---: |', ...rows.slice(0, n).map((r) => `| \`${r.name}\` | ${r.ms.toFixed(0)} | ${r.percent.toFixed(1)} |`)].join('\n');
  return [
    `Profile: ${(summary.totalMs / 1000).toFixed(1)} s of samples.`,
    '',
    table('function (self time)', summary.byFunction, top),
    '',
    table('area (self time)', summary.byArea, 20),
    '',
    'Busy time (idle, GC, `(program)` excluded) by the innermost sale-orders stage on the stack:',
    '',
    table('stage', summary.byStage, 20),
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 20;
  const files = args.filter((_a, i) => topAt < 0 || (i !== topAt && i !== topAt + 1));
  for (const file of files) {
    process.stdout.write(`## ${file}\n\n${formatProfileSummary(await summarizeProfileFile(file), top)}\n\n`);
  }
}
