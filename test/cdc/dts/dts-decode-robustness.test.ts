import { describe, expect, it } from 'vitest';
import { decodeEntries, decodeEnvelope } from '../../../src/cdc/dts/dts-decode.js';
import { DtsProtocolError } from '../../../src/cdc/dts/dts-errors.js';
import { normalizeTransaction } from '../../../src/cdc/dts/normalize-transaction.js';
import { fixture } from './fixtures.js';

// Reproduce a failure with DTS_FUZZ_SEED=<printed seed>; a failing seed becomes a fixed regression test.
const SEED = Number(process.env['DTS_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 32));
const RUNS = 100_000;
const at = { topic: 'fuzz', partition: 0, offset: '0' };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const corpus = [
  fixture('insert-transaction.entries.bin'),
  fixture('charsets.entries.bin'),
  fixture('heartbeat.entries.bin'),
  fixture('insert-transaction.piece-0.envelope.bin'),
  fixture('insert-transaction.piece-1.envelope.bin'),
  fixture('insert-transaction.piece-2.envelope.bin'),
];

function mutate(random: () => number): Buffer {
  const int = (n: number): number => Math.floor(random() * n);
  const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  if (random() < 0.15) return randomBytes(int(200));
  const base = Buffer.from(corpus[int(corpus.length)] as Buffer);
  switch (int(5)) {
    case 0:
      return base.subarray(0, int(base.length));
    case 1: {
      for (let flips = 1 + int(8); flips > 0; flips--) {
        const i = int(base.length);
        base[i] = (base[i] as number) ^ (1 << int(8));
      }
      return base;
    }
    case 2: {
      const i = int(base.length + 1);
      return Buffer.concat([base.subarray(0, i), randomBytes(1 + int(8)), base.subarray(i)]);
    }
    case 3: {
      const i = int(base.length);
      return Buffer.concat([base.subarray(0, i), base.subarray(i + 1 + int(16))]);
    }
    default: {
      const i = int(base.length);
      return Buffer.concat([base.subarray(0, i), base.subarray(int(base.length)), base.subarray(i)]);
    }
  }
}

/**
 * Feeds the bytes to every stage they get through — as an Envelope (and its data as Entries), and as
 * Entries (normalized when they decode); returns the first error that is not a DtsProtocolError.
 */
let decodedAsEntries = 0;

function exercise(bytes: Buffer): unknown {
  try {
    const envelope = decodeEnvelope(bytes, at);
    normalizeTransaction(decodeEntries(envelope.data, at), at);
  } catch (error) {
    if (!(error instanceof DtsProtocolError)) return error;
  }
  try {
    const entries = decodeEntries(bytes, at);
    decodedAsEntries++;
    normalizeTransaction(entries, at, { parseJson: true });
  } catch (error) {
    if (!(error instanceof DtsProtocolError)) return error;
  }
  return undefined;
}

describe('DTS decoding of random and mutated bytes', () => {
  it(`throws only DtsProtocolError subclasses over ${RUNS} inputs (seed ${SEED})`, () => {
    console.log(`dts-decode-robustness seed: ${SEED} (rerun with DTS_FUZZ_SEED=${SEED})`);
    const random = mulberry32(SEED);
    const failures: string[] = [];
    let checked = 0;
    for (let run = 0; run < RUNS && failures.length < 5; run++) {
      const bytes = mutate(random);
      const unexpected = exercise(bytes);
      if (unexpected !== undefined) failures.push(`${bytes.toString('hex')}: ${String(unexpected)}`);
      checked++;
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(RUNS);
    // The mutations must leave some inputs decodable, or the normalizer was never exercised.
    expect(decodedAsEntries).toBeGreaterThan(1000);
  });
});
