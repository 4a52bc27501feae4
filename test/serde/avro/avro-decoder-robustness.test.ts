import { describe, expect, it } from 'vitest';
import { CdcStreamsError } from '../../../src/common/errors.js';
import {
  IncompatibleWriterSchemaError,
  InvalidAvroBodyError,
  TruncatedAvroError,
  UnknownSchemaFingerprintError,
  UnknownSchemaIdError,
  WrongMagicByteError,
} from '../../../src/serde/avro/avro-errors.js';
import { avroSerde } from '../../../src/serde/avro/avro-serde.js';
import { loadAvroSchemas } from '../../../src/serde/avro/load-avro-schemas.js';
import { jsonSerde } from '../../../src/serde/json-serde.js';
import type { Serde } from '../../../src/serde/serde.js';
import { InvalidJsonError } from '../../../src/serde/serde-errors.js';
import { FakeSchemaRegistryClient } from '../registry/fake-schema-registry-client.js';
import { randomBytes, seededRandom, testSeed } from '../seeded-random.js';
import { type OrderEvent, orderPaid, SCHEMAS_DIR } from './order-event-fixture.js';

// 100,000 inputs in all, split between the three decoders.
const CASES = Math.ceil(100_000 / 3);
const AVRO_ERRORS = [
  WrongMagicByteError, TruncatedAvroError, InvalidAvroBodyError, UnknownSchemaIdError,
  UnknownSchemaFingerprintError, IncompatibleWriterSchemaError,
];

/** A valid encoding, cut short, with bits flipped or bytes inserted; sometimes pure noise. */
function mutate(random: () => number, valid: readonly Buffer[]): Buffer {
  const pick = Math.floor(random() * 5);
  const base = valid[Math.floor(random() * valid.length)] ?? Buffer.alloc(0);
  if (pick === 0) return randomBytes(random, Math.floor(random() * 64));
  if (pick === 1) return base.subarray(0, Math.floor(random() * base.length));
  const out = Buffer.from(base);
  if (pick === 2 || pick === 4) {
    for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips -= 1) {
      const at = Math.floor(random() * out.length);
      out[at] = (out[at] ?? 0) ^ (1 << Math.floor(random() * 8));
    }
  }
  if (pick === 3 || pick === 4) {
    const at = Math.floor(random() * (out.length + 1));
    return Buffer.concat([out.subarray(0, at), randomBytes(random, 1 + Math.floor(random() * 8)), out.subarray(at)]);
  }
  return out;
}

function fuzz<T>(serde: Serde<T>, valid: readonly Buffer[], allowed: ReadonlyArray<abstract new (...args: never[]) => CdcStreamsError>, random: () => number) {
  const seen = new Map<string, number>();
  for (let i = 0; i < CASES; i += 1) {
    const input = mutate(random, valid);
    try {
      serde.deserialize(input, { topic: 'fuzz', partition: 0, offset: String(i) });
      seen.set('decoded', (seen.get('decoded') ?? 0) + 1);
    } catch (error) {
      if (!allowed.some((type) => error instanceof type)) {
        throw new Error(`case ${i}: untyped ${String(error)} for input ${input.toString('hex')}`, { cause: error });
      }
      const name = (error as Error).constructor.name;
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
  }
  return seen;
}

describe('decoder robustness', () => {
  it('turns 100,000 random and mutated inputs into values or typed errors only, for Avro (both encodings) and JSON', async () => {
    const random = seededRandom(testSeed('decoder robustness'));
    const schemas = await loadAvroSchemas(SCHEMAS_DIR);
    const events = [orderPaid(), orderPaid({ payment: null, amount: '-9999999999.99', seq: 1 }), orderPaid({ orderId: '', amount: '0.01' })];

    const singleObject = avroSerde<OrderEvent>({ schemas, type: 'sale.OrderEvent' });
    const single = fuzz(singleObject, events.map((e) => singleObject.serialize(e, { topic: 'fuzz' })), AVRO_ERRORS, random);

    const registry = new FakeSchemaRegistryClient();
    const confluent = avroSerde<OrderEvent>({ schemas, type: 'sale.OrderEvent', registry });
    await confluent.init?.('fuzz');
    const wire = events.map((e) => confluent.serialize(e, { topic: 'fuzz' }));
    await confluent.prepare?.(wire, 'fuzz');
    const registered = fuzz(confluent, wire, AVRO_ERRORS, random);

    const json = jsonSerde<unknown>();
    const parsed = fuzz(json, events.map((e) => json.serialize(e, { topic: 'fuzz' })), [InvalidJsonError], random);

    console.log('single-object', Object.fromEntries(single), 'confluent', Object.fromEntries(registered), 'json', Object.fromEntries(parsed));
    // The mutations must actually reach the body decoder, not only the header checks.
    expect(single.get('InvalidAvroBodyError') ?? 0).toBeGreaterThan(0);
    expect(single.get('TruncatedAvroError') ?? 0).toBeGreaterThan(0);
    expect(registered.get('InvalidAvroBodyError') ?? 0).toBeGreaterThan(0);
    expect(parsed.get('InvalidJsonError') ?? 0).toBeGreaterThan(0);
  });
});
