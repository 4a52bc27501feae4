/**
 * State store benchmark: 1,000,000 puts (flushed every 10,000 as the task engine's commit would),
 * then 1,000,000 point gets in a shuffled order (one at a time, then 64 in flight), then one full scan — RocksDB vs in-memory, both
 * through the typed caching store. Each store kind runs in its own child process so the peak RSS
 * reported is that kind's alone.
 *
 *   npx tsx bench/store-benchmark.ts            # both kinds, prints a markdown table
 *   npx tsx bench/store-benchmark.ts --kind rocksdb
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Serde } from '../src/serde/serde.js';
import { bytesSerde } from '../src/serde/bytes-serde.js';
import { openStore, type StoreKind } from '../src/state/store-factory.js';

const ENTRIES = 1_000_000;
const FLUSH_EVERY = 10_000;
const VALUE_BYTES = 100;
const IN_FLIGHT = 64;

interface PhaseResult {
  readonly kind: StoreKind;
  readonly phase: string;
  readonly ops: number;
  readonly seconds: number;
  readonly peakRssMb: number;
}

const stringSerde: Serde<string> = {
  name: 'string',
  serialize: (value) => Buffer.from(value, 'utf8'),
  deserialize: (data) => data.toString('utf8'),
};

function keyOf(i: number): string {
  return `order-${String(i).padStart(8, '0')}`;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes and covers the whole process lifetime so far.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** A fixed permutation of 0..n-1 (multiplicative stride coprime to n), so every get hits and the order is not sequential. */
function shuffledIndex(i: number): number {
  return (i * 7_919 + 13) % ENTRIES;
}

async function runKind(kind: StoreKind): Promise<PhaseResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cdc-streams-bench-'));
  try {
    const store = await openStore({
      name: 'bench',
      kind,
      dir: join(dir, '0_0', 'bench'),
      keySerde: stringSerde,
      valueSerde: bytesSerde,
      maxBufferedEntries: FLUSH_EVERY,
    });
    const value = Buffer.alloc(VALUE_BYTES, 0x61);
    const results: PhaseResult[] = [];
    const timed = async (phase: string, ops: number, run: () => Promise<void>): Promise<void> => {
      const start = process.hrtime.bigint();
      await run();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      results.push({ kind, phase, ops, seconds, peakRssMb: peakRssMb() });
    };

    await timed('put (+flush per 10k)', ENTRIES, async () => {
      // Random-ish key order, as partitioned order ids arrive; the stores must not rely on sorted input.
      for (let i = 0; i < ENTRIES; i++) {
        store.put(keyOf(shuffledIndex(i)), value);
        if (store.needsFlush()) await store.flush();
      }
      await store.flush();
    });

    await timed('get, one at a time', ENTRIES, async () => {
      let found = 0;
      for (let i = 0; i < ENTRIES; i++) {
        if ((await store.get(keyOf(shuffledIndex((i * 31) % ENTRIES)))) !== undefined) found++;
      }
      if (found !== ENTRIES) throw new Error(`benchmark bug: ${found} of ${ENTRIES} gets found a value`);
    });

    // What an engine that prefetches a fetched batch's keys would see: the binding's thread pool busy.
    await timed(`get, ${IN_FLIGHT} in flight`, ENTRIES, async () => {
      let found = 0;
      for (let i = 0; i < ENTRIES; i += IN_FLIGHT) {
        const keys = Array.from({ length: Math.min(IN_FLIGHT, ENTRIES - i) }, (_, j) => keyOf(shuffledIndex(((i + j) * 17) % ENTRIES)));
        for (const got of await Promise.all(keys.map((key) => store.get(key)))) if (got !== undefined) found++;
      }
      if (found !== ENTRIES) throw new Error(`benchmark bug: ${found} of ${ENTRIES} gets found a value`);
    });

    await timed('full scan', ENTRIES, async () => {
      let seen = 0;
      for await (const _entry of store.all()) seen++;
      if (seen !== ENTRIES) throw new Error(`benchmark bug: scan saw ${seen} of ${ENTRIES} entries`);
    });

    await store.close();
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function table(results: readonly PhaseResult[]): string {
  const lines = ['| store | phase | ops | seconds | ops/s | peak RSS (MB) |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const r of results) {
    const opsPerSecond = Math.round(r.ops / r.seconds).toLocaleString('en-US');
    lines.push(`| ${r.kind} | ${r.phase} | ${r.ops.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${opsPerSecond} | ${r.peakRssMb} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const kindFlag = process.argv.indexOf('--kind');
  if (kindFlag !== -1) {
    const kind = process.argv[kindFlag + 1];
    if (kind !== 'rocksdb' && kind !== 'in-memory') throw new Error(`--kind must be rocksdb or in-memory, got ${String(kind)}`);
    process.stdout.write(`${JSON.stringify(await runKind(kind))}\n`);
    return;
  }
  const all: PhaseResult[] = [];
  for (const kind of ['rocksdb', 'in-memory'] as const) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--kind', kind], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`benchmark of ${kind} exited with ${String(child.status ?? child.signal)}`);
    all.push(...(JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '[]') as PhaseResult[]));
  }
  console.log(`Node ${process.version}, ${ENTRIES.toLocaleString('en-US')} entries, ${VALUE_BYTES}-byte values\n`);
  console.log(table(all));
}

await main();
