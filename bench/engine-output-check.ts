import {
  ENGINE_AGGREGATE_BYTES,
  ENGINE_VALUE_BYTES,
  engineKey,
  engineValue,
  keySequences,
  parseEngineKey,
  type EngineWorkload,
  type KeySequences,
} from './engine-workload.js';

/**
 * What an engine run's output must be, checked record by record in the order a read_committed reader
 * sees each partition:
 *
 * - `aggregate` (cdc-streams, Kafka Streams): one record per input record; a key's records carry its
 *   running count 1, 2, …, n in order, each with the sum of the key's first `count` input values, and
 *   the last one the key's final count and sum. A count at or below the previous one is a duplicate,
 *   one that skips ahead means updates are missing.
 * - `relay` (the bare kafkajs consume → produce): the input records themselves; a key's values must
 *   be its input values in input order.
 */
export type EngineOutputShape = 'aggregate' | 'relay';

export interface EngineCheckResult {
  readonly records: number;
  readonly expectedRecords: number;
  /** Updates seen again (aggregate: a count not above the key's previous one). */
  readonly duplicates: number;
  /** Updates never seen (aggregate: counts skipped, or a key's count short of its input count at the end). */
  readonly missing: number;
  /** Aggregate: a count whose sum is not the sum of that many input values. Relay: a value out of place. */
  readonly wrongValues: number;
  /** Records with a key that is not a workload key, or a value of the wrong size. */
  readonly malformed: number;
  /** Keys whose last record is not their final count and sum (aggregate), or that did not see every value (relay). */
  readonly wrongFinalKeys: number;
  /** Earliest and latest record timestamp (on a LogAppendTime topic: when the broker appended it). */
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  /**
   * The append time after which the last 80 % of the records came (the record at the 20th percentile
   * of append times), and how many records came after it: the steady part a rate is computed over.
   */
  readonly steadyFromTimestamp: number;
  readonly steadyRecords: number;
  /** Up to five examples of what was wrong, naming the key. */
  readonly examples: readonly string[];
  readonly exact: boolean;
}

const MAX_EXAMPLES = 5;

export class EngineOutputCheck {
  private readonly sequences: KeySequences;
  /** Aggregate: the last count seen per key. Relay: how many of the key's values were seen in order. */
  private readonly position: Int32Array;
  /** The sum of the key's first `position[k]` input values (aggregate only). */
  private readonly expectedSum: BigInt64Array;
  /** The sum the key's last record carried (aggregate only). */
  private readonly lastSum: BigInt64Array;
  private records = 0;
  private duplicates = 0;
  private missingInStream = 0;
  private wrongValues = 0;
  private malformed = 0;
  private firstTimestamp = Number.POSITIVE_INFINITY;
  private lastTimestamp = Number.NEGATIVE_INFINITY;
  private timestamps = new Float64Array(1024);
  private readonly examples: string[] = [];

  constructor(
    private readonly workload: EngineWorkload,
    private readonly shape: EngineOutputShape,
  ) {
    this.sequences = keySequences(workload);
    this.position = new Int32Array(workload.keys);
    this.expectedSum = new BigInt64Array(workload.keys);
    this.lastSum = new BigInt64Array(workload.keys);
  }

  add(key: Buffer | null, value: Buffer | null, timestamp: number): void {
    this.records++;
    if (timestamp < this.firstTimestamp) this.firstTimestamp = timestamp;
    if (timestamp > this.lastTimestamp) this.lastTimestamp = timestamp;
    if (this.records > this.timestamps.length) {
      const grown = new Float64Array(this.timestamps.length * 2);
      grown.set(this.timestamps);
      this.timestamps = grown;
    }
    this.timestamps[this.records - 1] = timestamp;
    const keyText = key?.toString('utf8') ?? '<null>';
    const k = key === null ? undefined : parseEngineKey(keyText, this.workload.keys);
    const size = this.shape === 'aggregate' ? ENGINE_AGGREGATE_BYTES : ENGINE_VALUE_BYTES;
    if (k === undefined || value === null || value.length !== size) {
      this.malformed++;
      this.example(`record with key ${keyText} and a ${value === null ? 'null' : `${value.length}-byte`} value: expected a workload key and ${size} bytes`);
      return;
    }
    if (this.shape === 'aggregate') this.addAggregate(k, keyText, value.readBigInt64BE(0), value.readBigInt64BE(8));
    else this.addRelayed(k, keyText, value.readBigInt64BE(0));
  }

  result(): EngineCheckResult {
    let missingAtEnd = 0;
    let wrongFinalKeys = 0;
    const examples = [...this.examples];
    for (let k = 0; k < this.workload.keys; k++) {
      const inputs = this.inputsOf(k);
      const seen = this.position[k] as number;
      if (seen < inputs) missingAtEnd += inputs - seen;
      const finalOk = seen === inputs && (this.shape === 'relay' || inputs === 0 || this.lastSum[k] === this.expectedSum[k]);
      if (!finalOk) {
        wrongFinalKeys++;
        const why = seen < inputs ? `ended at ${seen} of ${inputs} updates` : `final sum ${this.lastSum[k]}, expected ${this.expectedSum[k]}`;
        if (examples.length < MAX_EXAMPLES) examples.push(`${engineKey(k)}: ${why}`);
      }
    }
    const missing = this.missingInStream + missingAtEnd;
    const exact =
      this.records === this.workload.records && this.duplicates === 0 && missing === 0 && this.wrongValues === 0 && this.malformed === 0 && wrongFinalKeys === 0;
    return {
      records: this.records,
      expectedRecords: this.workload.records,
      duplicates: this.duplicates,
      missing,
      wrongValues: this.wrongValues,
      malformed: this.malformed,
      wrongFinalKeys,
      firstTimestamp: this.firstTimestamp,
      lastTimestamp: this.lastTimestamp,
      ...this.steadyPart(),
      examples,
      exact,
    };
  }

  /**
   * An engine that sends a whole fetched batch's outputs after processing it appends its first output
   * only when the first batch is done, so "first → last output" leaves the first batch's processing
   * out and overstates its rate; one that streams appends from the first record on. Rates are taken
   * from the 20th percentile of append times on: both have then processed what came after.
   */
  private steadyPart(): { steadyFromTimestamp: number; steadyRecords: number } {
    if (this.records === 0) return { steadyFromTimestamp: Number.NaN, steadyRecords: 0 };
    const sorted = this.timestamps.slice(0, this.records).sort();
    const from = sorted[Math.floor(this.records * 0.2)] as number;
    let after = 0;
    for (let i = sorted.length - 1; i >= 0 && (sorted[i] as number) > from; i--) after++;
    return { steadyFromTimestamp: from, steadyRecords: after };
  }

  private addAggregate(k: number, keyText: string, count: bigint, sum: bigint): void {
    const last = this.position[k] as number;
    const inputs = this.inputsOf(k);
    if (count <= BigInt(last)) {
      this.duplicates++;
      this.example(`${keyText}: count ${count} after count ${last}`);
      return;
    }
    if (count > BigInt(inputs)) {
      this.wrongValues++;
      this.example(`${keyText}: count ${count}, but the key has ${inputs} input records`);
      return;
    }
    const c = Number(count);
    if (c > last + 1) {
      this.missingInStream += c - last - 1;
      this.example(`${keyText}: count ${c} after count ${last}`);
    }
    let expected = this.expectedSum[k] as bigint;
    for (let n = last; n < c; n++) expected += engineValue(this.workload, this.sequences.order[(this.sequences.start[k] as number) + n] as number);
    this.expectedSum[k] = expected;
    this.position[k] = c;
    this.lastSum[k] = sum;
    if (sum !== expected) {
      this.wrongValues++;
      this.example(`${keyText}: count ${c} carries sum ${sum}, expected ${expected}`);
    }
  }

  private addRelayed(k: number, keyText: string, value: bigint): void {
    const seen = this.position[k] as number;
    const expected = seen < this.inputsOf(k) ? engineValue(this.workload, this.sequences.order[(this.sequences.start[k] as number) + seen] as number) : undefined;
    if (value === expected) {
      this.position[k] = seen + 1;
      return;
    }
    this.wrongValues++;
    this.example(`${keyText}: value ${value} where input record ${seen + 1} of the key (${expected ?? 'none'}) was due`);
  }

  private inputsOf(k: number): number {
    return (this.sequences.start[k + 1] as number) - (this.sequences.start[k] as number);
  }

  private example(line: string): void {
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(line);
  }
}

/** One line for the report: "exact" or what was wrong. */
export function describeCheck(result: EngineCheckResult): string {
  if (result.exact) return 'exact';
  const parts = [`${result.records} of ${result.expectedRecords} records`];
  if (result.duplicates > 0) parts.push(`${result.duplicates} duplicates`);
  if (result.missing > 0) parts.push(`${result.missing} missing`);
  if (result.wrongValues > 0) parts.push(`${result.wrongValues} wrong values`);
  if (result.malformed > 0) parts.push(`${result.malformed} malformed`);
  if (result.wrongFinalKeys > 0) parts.push(`${result.wrongFinalKeys} keys with a wrong final aggregate`);
  return parts.join(', ');
}
