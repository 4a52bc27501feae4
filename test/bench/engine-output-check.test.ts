import { describe, expect, it } from 'vitest';
import { describeCheck, EngineOutputCheck, type EngineOutputShape } from '../../bench/engine-output-check.js';
import { engineInput, type EngineWorkload } from '../../bench/engine-workload.js';

const workload: EngineWorkload = { records: 3_000, keys: 25, partitions: 6, seed: 11 };

interface OutRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

/** What a correct engine writes, computed here from the input bytes alone: each key's running count and sum. */
function correctAggregateOutput(): OutRecord[] {
  const totals = new Map<string, { count: bigint; sum: bigint }>();
  const out: OutRecord[] = [];
  let t = 1_000;
  for (const record of engineInput(workload)) {
    const key = record.key.toString('utf8');
    const total = totals.get(key) ?? { count: 0n, sum: 0n };
    total.count += 1n;
    total.sum += record.value.readBigInt64BE(0);
    totals.set(key, total);
    const value = Buffer.alloc(16);
    value.writeBigInt64BE(total.count, 0);
    value.writeBigInt64BE(total.sum, 8);
    out.push({ key: record.key, value, timestamp: t++ });
  }
  return out;
}

function correctRelayOutput(): OutRecord[] {
  let t = 1_000;
  return [...engineInput(workload)].map((r) => ({ key: r.key, value: r.value, timestamp: t++ }));
}

function check(records: readonly OutRecord[], shape: EngineOutputShape) {
  const checker = new EngineOutputCheck(workload, shape);
  for (const r of records) checker.add(r.key, r.value, r.timestamp);
  return checker.result();
}

/** Index of the n-th record (0-based) of the key of record `of`. */
function nthOfSameKey(records: readonly OutRecord[], of: number, n: number): number {
  const key = records[of]!.key!.toString();
  let seen = 0;
  for (let i = 0; i < records.length; i++) {
    if (records[i]!.key!.toString() !== key) continue;
    if (seen === n) return i;
    seen++;
  }
  throw new Error(`key ${key} has fewer than ${n + 1} records`);
}

describe('EngineOutputCheck, aggregate output', () => {
  it('finds a correct output exact and reports its append-time span', () => {
    const result = check(correctAggregateOutput(), 'aggregate');
    expect(result).toMatchObject({ records: 3_000, duplicates: 0, missing: 0, wrongValues: 0, malformed: 0, wrongFinalKeys: 0, exact: true });
    expect(result.firstTimestamp).toBe(1_000);
    expect(result.lastTimestamp).toBe(3_999);
    expect(describeCheck(result)).toBe('exact');
  });

  it('measures the rate span from the 20th percentile of append times, so a first batch appended at once counts fully', () => {
    const streamed = check(correctAggregateOutput(), 'aggregate');
    // One record a millisecond from 1,000: the 600th of 3,000 came at 1,600, and 2,399 came after it.
    expect([streamed.steadyFromTimestamp, streamed.steadyRecords]).toEqual([1_600, 2_399]);
    // The first 1,000 outputs appended together once their batch was processed, the rest one a millisecond.
    const batched = correctAggregateOutput().map((record, i) => ({ ...record, timestamp: i < 1_000 ? 5_000 : 6_000 + (i - 1_000) }));
    const result = check(batched, 'aggregate');
    expect([result.steadyFromTimestamp, result.steadyRecords]).toEqual([5_000, 2_000]);
  });

  it('accepts keys interleaved differently across partitions as long as each key is in order', () => {
    const out = correctAggregateOutput();
    // A stable sort by key keeps each key's own order and changes everything else.
    const byKey = [...out].sort((a, b) => a.key!.compare(b.key!));
    expect(check(byKey, 'aggregate').exact).toBe(true);
  });

  it('counts a redelivered update as a duplicate', () => {
    const out = correctAggregateOutput();
    const second = nthOfSameKey(out, 0, 1);
    out.splice(second + 1, 0, out[second]!);
    const result = check(out, 'aggregate');
    expect(result.duplicates).toBe(1);
    expect(result.exact).toBe(false);
    expect(describeCheck(result)).toContain('1 duplicates');
  });

  it('counts an update lost in the middle of a key as missing', () => {
    const out = correctAggregateOutput();
    out.splice(nthOfSameKey(out, 0, 2), 1);
    const result = check(out, 'aggregate');
    expect(result.missing).toBe(1);
    expect(result.wrongFinalKeys).toBe(0);
    expect(result.exact).toBe(false);
  });

  it('counts a key whose last update is lost as missing and as a wrong final aggregate', () => {
    const out = correctAggregateOutput();
    const last = out.length - 1;
    out.splice(last, 1);
    const result = check(out, 'aggregate');
    expect(result.missing).toBe(1);
    expect(result.wrongFinalKeys).toBe(1);
    expect(result.examples.join('\n')).toContain('ended at');
  });

  it('catches an update whose sum is wrong, and a final aggregate that is wrong', () => {
    const out = correctAggregateOutput();
    const lastIndex = out.length - 1;
    const wrong = Buffer.from(out[lastIndex]!.value!);
    wrong.writeBigInt64BE(wrong.readBigInt64BE(8) + 1n, 8);
    out[lastIndex] = { ...out[lastIndex]!, value: wrong };
    const result = check(out, 'aggregate');
    expect(result.wrongValues).toBe(1);
    expect(result.wrongFinalKeys).toBe(1);
    expect(result.exact).toBe(false);
  });

  it('catches a count beyond the key’s input count', () => {
    const out = correctAggregateOutput();
    const value = Buffer.alloc(16);
    value.writeBigInt64BE(10_000n, 0);
    out.push({ key: out[0]!.key, value, timestamp: 5_000 });
    expect(check(out, 'aggregate').wrongValues).toBe(1);
  });

  it('rejects unknown keys, null keys and values of the wrong size as malformed', () => {
    const out = correctAggregateOutput();
    out.push({ key: Buffer.from('key-99999'), value: Buffer.alloc(16), timestamp: 5_000 });
    out.push({ key: null, value: Buffer.alloc(16), timestamp: 5_000 });
    out.push({ key: out[0]!.key, value: Buffer.alloc(8), timestamp: 5_000 });
    out.push({ key: out[0]!.key, value: null, timestamp: 5_000 });
    const result = check(out, 'aggregate');
    expect(result.malformed).toBe(4);
    expect(result.records).toBe(3_004);
    expect(result.exact).toBe(false);
  });

  it('finds an empty output missing every update', () => {
    const result = check([], 'aggregate');
    expect(result.records).toBe(0);
    expect(result.missing).toBe(3_000);
    expect(result.wrongFinalKeys).toBe(25);
  });
});

describe('EngineOutputCheck, relayed input', () => {
  it('finds the input relayed as it is exact', () => {
    expect(check(correctRelayOutput(), 'relay').exact).toBe(true);
  });

  it('catches two values of a key swapped', () => {
    const out = correctRelayOutput();
    const a = nthOfSameKey(out, 0, 0);
    const b = nthOfSameKey(out, 0, 1);
    const first = out[a]!;
    out[a] = { ...first, value: out[b]!.value };
    out[b] = { ...out[b]!, value: first.value };
    const result = check(out, 'relay');
    expect(result.wrongValues).toBeGreaterThan(0);
    expect(result.exact).toBe(false);
  });

  it('catches a lost record', () => {
    const out = correctRelayOutput();
    out.splice(out.length - 1, 1);
    const result = check(out, 'relay');
    expect(result.missing).toBe(1);
    expect(result.exact).toBe(false);
  });
});
