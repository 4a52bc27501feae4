import { fileURLToPath } from 'node:url';
import type { KafkaMessage } from 'kafkajs';
import { buildTopology, createTopologyEnvironment, type Topology } from '../../src/index.js';
import e2eCount from '../fixtures/topologies/e2e-count.js';

export interface CountTopics {
  readonly input: string;
  readonly mapped: string;
  readonly counts: string;
}

/** The same topology the CLI child runs, built in-process (for tests that run StreamsApps themselves). */
/** The count topology's file, for stream threads that build it themselves. */
export const COUNT_TOPOLOGY_FILE = fileURLToPath(new URL('../fixtures/topologies/e2e-count.ts', import.meta.url));

export async function countTopology(topics: CountTopics): Promise<Topology> {
  return buildTopology(e2eCount, await createTopologyEnvironment({ params: { ...topics } }));
}

/**
 * Input and checks for the e2e count topology (test/fixtures/topologies/e2e-count.ts): record `i` has
 * key `key-<i mod keys>` and value `<i>|<padding>`; the topology writes `<i>` to the mapped topic and
 * the running count per key to the counts topic.
 */
export function countInput(
  range: { readonly from?: number; readonly to: number },
  keys: number,
  valueBytes = 16,
): Array<{ key: string; value: string }> {
  const messages: Array<{ key: string; value: string }> = [];
  for (let i = range.from ?? 0; i < range.to; i++) {
    const id = String(i);
    messages.push({ key: `key-${i % keys}`, value: `${id}|${'x'.repeat(Math.max(0, valueBytes - id.length - 1))}` });
  }
  return messages;
}

/** What the mapped topic holds compared with ids `0 .. expected-1`: ids seen more than once, ids never seen. */
export function idAccounting(messages: readonly KafkaMessage[], expected: number): { duplicates: string[]; missing: number[]; unexpected: string[] } {
  const seen = new Map<string, number>();
  for (const m of messages) {
    const id = m.value?.toString() ?? '<null>';
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
  const missing: number[] = [];
  for (let i = 0; i < expected; i++) if (!seen.has(String(i))) missing.push(i);
  const unexpected = [...seen.keys()].filter((id) => !/^\d+$/.test(id) || Number(id) >= expected);
  return { duplicates: duplicates.slice(0, 20), missing: missing.slice(0, 20), unexpected: unexpected.slice(0, 20) };
}

/**
 * The last count per key on the counts topic (a key lives in one partition, so the last one read is
 * the newest), and the keys whose counts ever went down or stayed the same — which a count under
 * exactly_once never does.
 */
export function latestCounts(messages: readonly KafkaMessage[]): { latest: Map<string, number>; notIncreasing: string[] } {
  const latest = new Map<string, number>();
  const notIncreasing = new Set<string>();
  for (const m of messages) {
    const key = m.key?.toString() ?? '<null>';
    const count = JSON.parse(m.value?.toString() ?? 'null') as number;
    const before = latest.get(key);
    if (before !== undefined && count <= before) notIncreasing.add(`${key}: ${before} then ${count}`);
    latest.set(key, count);
  }
  return { latest, notIncreasing: [...notIncreasing].slice(0, 20) };
}

/** Keys whose latest count is not `expected` (every key `key-0 .. key-<keys-1>` is checked). */
export function wrongCounts(latest: ReadonlyMap<string, number>, keys: number, expected: (key: number) => number): string[] {
  const wrong: string[] = [];
  for (let k = 0; k < keys; k++) {
    const got = latest.get(`key-${k}`);
    if (got !== expected(k)) wrong.push(`key-${k}: ${String(got)} (expected ${expected(k)})`);
  }
  return wrong.slice(0, 20);
}
