import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { load1 } from './bench-stats.js';

/**
 * Failover restore time with and without a standby (docs/runtime.md, "Standby replicas"). For each of
 * `--standby-replicas 1` and `0`: a table of `--keys` keys (100-byte values, one input partition: one
 * task) is built by instance A (exactly_once); instance B joins (with a standby of A's task, or without);
 * A is killed with SIGKILL; B takes the task over. Reported from B's log and metrics: the changelog
 * records it restored, the time from its new assignment to the task running (`applyMs`: open, restore,
 * start), and the time from the kill to that (which adds the session timeout, 10 s here).
 *
 *     KAFKA_BROKERS=127.0.0.1:19092 npx tsx bench/standby-failover.ts [--keys 200000]
 */
const REPO = fileURLToPath(new URL('..', import.meta.url));
const VALUE_BYTES = 100;
const SESSION_TIMEOUT_MS = 10_000;

const brokers = process.env['KAFKA_BROKERS'];
if (brokers === undefined || brokers === '') throw new Error('set KAFKA_BROKERS');
const keysFlag = process.argv.indexOf('--keys');
const KEYS = keysFlag >= 0 ? Number(process.argv[keysFlag + 1]) : 200_000;
const kafka = new Kafka({ clientId: 'bench-standby-failover', brokers: brokers.split(','), logLevel: logLevel.WARN });

/** One `cdc-streams run` child: its log lines (JSON) as they come, and its ops server's URL once it listens. */
class Instance {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    let partial = '';
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.startsWith('{')) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  line(predicate: (line: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
    return this.lines.find(predicate);
  }

  async metric(name: string, labels: string): Promise<number | undefined> {
    const url = this.line((l) => l['msg'] === 'ops server listening')?.['url'];
    if (typeof url !== 'string') return undefined;
    const text = await (await fetch(`${url}/metrics`)).text();
    const sample = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return sample === undefined ? undefined : Number(sample.slice(sample.lastIndexOf(' ') + 1));
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function fillInput(topic: string): Promise<void> {
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    const value = Buffer.alloc(VALUE_BYTES, 0x61);
    let batch: Message[] = [];
    for (let i = 0; i < KEYS; i++) {
      batch.push({ key: `key-${i}`, value });
      if (batch.length >= 5_000 || i === KEYS - 1) {
        await producer.send({ topic, acks: -1, messages: batch });
        batch = [];
      }
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

async function committed(groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(offsets?.partitions.find((p) => p.partition === 0)?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

async function changelogEnd(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return Number((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0)?.high ?? 0);
  } finally {
    await admin.disconnect();
  }
}

interface Figures {
  readonly standbyReplicas: number;
  readonly restored: number;
  readonly applyMs: number;
  readonly killToRunningMs: number;
  readonly load: string;
}

async function failover(standbyReplicas: number): Promise<Figures> {
  const applicationId = `bench-standby-${standbyReplicas}-${randomUUID().slice(0, 8)}`;
  const input = `${applicationId}-in`;
  const dir = await mkdtemp(join(tmpdir(), 'bench-standby-'));
  try {
    await fillInput(input);
    const config = join(dir, 'config.yaml');
    await writeFile(config, `sessionTimeoutMs: ${SESSION_TIMEOUT_MS}\n`);
    const run = (name: string) =>
      new Instance([
        'bench/standby-failover-topology.ts',
        ...['--brokers', brokers!, '--application-id', applicationId, '--state-dir', join(dir, name), '--guarantee', 'exactly_once'],
        ...['--standby-replicas', String(standbyReplicas), '--http-port', '0', '--config', config, '--log-level', 'info', '--set', `input=${input}`],
      ]);
    const a = run('a');
    await until('A to build the table', async () => ((await committed(applicationId, input)) === KEYS ? true : undefined));
    const b = run('b');
    await until('B to join', async () => b.line((l) => l['msg'] === 'assignment applied'));
    if (standbyReplicas > 0) {
      const end = await changelogEnd(`${applicationId}-latest-changelog`);
      await until('B\'s standby to catch up', async () => ((await b.metric('cdc_streams_standby_changelog_offset', 'task="0_0"')) === end ? true : undefined));
    }
    const loadBefore = load1();
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    const applied = await until('B to run the task', async () =>
      b.line((l) => l['msg'] === 'assignment applied' && Array.isArray(l['tasks']) && (l['tasks'] as unknown[]).includes('0_0')),
    );
    const runningAt = Date.parse(String(applied['time']));
    const restored = (await b.metric('cdc_streams_restore_restored_records', 'task="0_0"')) ?? 0;
    const load = `${loadBefore.toFixed(1)} → ${load1().toFixed(1)}`;
    b.kill('SIGTERM');
    await b.exited;
    return { standbyReplicas, restored, applyMs: Number(applied['applyMs']), killToRunningMs: runningAt - killedAt, load };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rows: Figures[] = [];
for (const replicas of [1, 0]) rows.push(await failover(replicas));
console.log(`Failover of one task holding ${KEYS.toLocaleString('en')} keys (${VALUE_BYTES}-byte values), exactly_once, session timeout ${SESSION_TIMEOUT_MS / 1000} s:\n`);
console.log('| standby replicas | changelog records restored | assignment → task running | kill → task running | load (1 min) |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.standbyReplicas} | ${r.restored.toLocaleString('en')} | ${(r.applyMs / 1000).toFixed(1)} s | ${(r.killToRunningMs / 1000).toFixed(1)} s | ${r.load} |`);
}
