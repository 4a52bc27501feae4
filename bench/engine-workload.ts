/**
 * The engine workload's input (docs/benchmarks.md, "Engine workload"): `records` records over `keys`
 * string keys, each value a signed 64-bit integer. Record i's key and value are pure functions of i and
 * the seed, so the output checker can recompute what every key's aggregate must be without keeping
 * the input.
 *
 * - key: `key-NNNNN` (the key index, zero-padded to 5 digits), UTF-8; the index is drawn uniformly
 *   from [0, keys) by a hash of (seed, i), so keys repeat irregularly, not round-robin;
 * - value: 8 bytes, big-endian signed (Kafka's LongSerializer), in [-2^31, 2^31) so that no key's sum
 *   can leave the 64-bit range;
 * - partition: key index mod `partitions`, so both engines see the same partitioning and aggregate
 *   without a repartition.
 */
export interface EngineWorkload {
  readonly records: number;
  readonly keys: number;
  readonly partitions: number;
  readonly seed: number;
}

/** The aggregate's store; its changelog is `<application id>-sums-changelog` on both sides. */
export const ENGINE_STORE = 'sums';
export const ENGINE_VALUE_BYTES = 8;
/** The aggregate on the output topic: count then sum, each a big-endian signed 64-bit integer. */
export const ENGINE_AGGREGATE_BYTES = 16;

/** A 32-bit integer hash (murmur3's finalizer) of `x` mixed with `seed`. */
function mix32(x: number, seed: number): number {
  let h = (x ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function engineKeyIndex(workload: EngineWorkload, i: number): number {
  return mix32(i, workload.seed) % workload.keys;
}

export function engineValue(workload: EngineWorkload, i: number): bigint {
  return BigInt(mix32(i, workload.seed ^ 0x5bd1e995) - 0x8000_0000);
}

export function engineKey(keyIndex: number): string {
  return `key-${String(keyIndex).padStart(5, '0')}`;
}

/** The inverse of `engineKey`; undefined for anything else. */
export function parseEngineKey(key: string, keys: number): number | undefined {
  if (!/^key-\d{5,}$/.test(key)) return undefined;
  const index = Number(key.slice(4));
  return index < keys && engineKey(index) === key ? index : undefined;
}

export interface EngineInputRecord {
  readonly partition: number;
  readonly key: Buffer;
  readonly value: Buffer;
}

/** The input in order; per partition, the order the engines must see. */
export function* engineInput(workload: EngineWorkload): Generator<EngineInputRecord> {
  for (let i = 0; i < workload.records; i++) {
    const keyIndex = engineKeyIndex(workload, i);
    const value = Buffer.allocUnsafe(ENGINE_VALUE_BYTES);
    value.writeBigInt64BE(engineValue(workload, i));
    yield { partition: keyIndex % workload.partitions, key: Buffer.from(engineKey(keyIndex)), value };
  }
}

/**
 * Each key's input records in order, as indexes into the input (a CSR layout: key k's records are
 * `order[start[k]]` … `order[start[k + 1] - 1]`), so the checker can find the c-th value of a key.
 */
export interface KeySequences {
  readonly start: Int32Array;
  readonly order: Int32Array;
}

export function keySequences(workload: EngineWorkload): KeySequences {
  const start = new Int32Array(workload.keys + 1);
  for (let i = 0; i < workload.records; i++) start[engineKeyIndex(workload, i) + 1]! += 1;
  for (let k = 0; k < workload.keys; k++) start[k + 1]! += start[k]!;
  const next = start.slice(0, workload.keys);
  const order = new Int32Array(workload.records);
  for (let i = 0; i < workload.records; i++) {
    const k = engineKeyIndex(workload, i);
    order[next[k]!] = i;
    next[k]! += 1;
  }
  return { start, order };
}
