import { describe, expect, it } from 'vitest';
import { decodeDebeziumHeartbeat, decodeDebeziumRecord, decodeDebeziumTransaction, DebeziumDecodeError } from '../../../src/cdc/debezium/index.js';
import { seededRandom, testSeed } from '../../serde/seeded-random.js';
import { jsonCorpus, mutateJson } from '../support/json-mutations.js';
import { allCaptured } from './fixtures.js';

const RUNS = 100_000;
const at = { topic: 'fuzz', partition: 0, offset: '0' };
const records = [...allCaptured('envelope'), ...allCaptured('plain')];
const roleOf = (topic: string): 'change' | 'transaction' | 'heartbeat' => (topic === 'transaction' || topic === 'heartbeat' ? topic : 'change');
const corpora = {
  change: jsonCorpus(records.filter((r) => roleOf(r.at.topic) === 'change' && r.value !== null).map((r) => r.value as Buffer)),
  transaction: jsonCorpus(records.filter((r) => roleOf(r.at.topic) === 'transaction').map((r) => r.value as Buffer)),
  heartbeat: jsonCorpus(records.filter((r) => roleOf(r.at.topic) === 'heartbeat').map((r) => r.value as Buffer)),
};
const keys = jsonCorpus(records.map((r) => r.key).filter((b): b is Buffer => b !== null));

describe('Debezium decoding of random and mutated records', () => {
  it(`throws nothing but DebeziumDecodeError on ${RUNS.toLocaleString('en')} inputs: change events (with and without the schema envelope), transaction metadata, heartbeats`, () => {
    const seed = testSeed('debezium decode robustness');
    const random = seededRandom(seed);
    const decoded = { change: 0, transaction: 0, heartbeat: 0 };
    for (let run = 0; run < RUNS; run++) {
      // Each input is mutated from a record of one topic and decoded as that topic's records are,
      // so most get past the JSON parse into the field checks.
      const role = (['change', 'change', 'transaction', 'heartbeat'] as const)[Math.floor(random() * 4)] ?? 'change';
      const value = mutateJson(random, corpora[role]);
      const key = random() < 0.3 ? mutateJson(random, keys) : null;
      try {
        if (role === 'change') decodeDebeziumRecord(key, value, at, { parseJson: random() < 0.5 });
        else if (role === 'transaction') decodeDebeziumTransaction(value, at);
        else decodeDebeziumHeartbeat(key, value, at);
        decoded[role]++;
      } catch (error) {
        if (!(error instanceof DebeziumDecodeError)) {
          throw new Error(`seed ${seed}, run ${run} (${role}): ${String(error)} for input ${value.toString('utf8').slice(0, 300)}`, { cause: error });
        }
      }
    }
    for (const role of ['change', 'transaction', 'heartbeat'] as const) expect(decoded[role]).toBeGreaterThan(RUNS / 50);
  }, 120_000);
});
