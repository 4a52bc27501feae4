import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CanalDecodeError, decodeCanalMessage } from '../../../src/cdc/canal/index.js';
import { seededRandom, testSeed } from '../../serde/seeded-random.js';
import { jsonCorpus, mutateJson } from '../support/json-mutations.js';

const RUNS = 100_000;
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'canal');
const corpus = jsonCorpus(readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(FIXTURES, f))));
const at = { topic: 'fuzz', partition: 0, offset: '0' };

describe('Canal decoding of random and mutated flat messages', () => {
  it(`throws nothing but CanalDecodeError on ${RUNS.toLocaleString('en')} inputs`, () => {
    const seed = testSeed('canal decode robustness');
    const random = seededRandom(seed);
    let decoded = 0;
    for (let run = 0; run < RUNS; run++) {
      const value = mutateJson(random, corpus);
      try {
        decodeCanalMessage(value, at, { parseJson: random() < 0.5 });
        decoded++;
      } catch (error) {
        if (!(error instanceof CanalDecodeError)) throw new Error(`seed ${seed}, run ${run}: ${String(error)} for ${value.toString('utf8').slice(0, 300)}`, { cause: error });
      }
    }
    expect(decoded).toBeGreaterThan(RUNS / 20);
  }, 120_000);
});
