import { beforeAll, describe, expect, it } from 'vitest';
import {
  AvroSchemaMismatchError,
  IncompatibleWriterSchemaError,
  InvalidAvroBodyError,
  TruncatedAvroError,
  UnknownSchemaFingerprintError,
  WrongMagicByteError,
} from '../../../src/serde/avro/avro-errors.js';
import { AvroSchemaCatalog } from '../../../src/serde/avro/avro-schema-catalog.js';
import { avroSerde } from '../../../src/serde/avro/avro-serde.js';
import { loadAvroSchemas } from '../../../src/serde/avro/load-avro-schemas.js';
import { V1, V2, V3 } from './evolution-schemas.js';
import { type OrderEvent, orderPaid, SCHEMAS_DIR } from './order-event-fixture.js';

const out = { topic: 'sale.order-events' };
const read = { topic: 'sale.order-events', partition: 0, offset: '5' };
let schemas: AvroSchemaCatalog;

beforeAll(async () => {
  schemas = await loadAvroSchemas(SCHEMAS_DIR);
});

describe('avroSerde without a registry (single-object encoding)', () => {
  it('writes 0xC3 0x01 and the fingerprint, then round-trips OrderEvents without init', () => {
    const serde = avroSerde<OrderEvent>({ schemas, type: 'sale.OrderEvent' });
    const bytes = serde.serialize(orderPaid(), out);
    // c3d6d9bf72d5bf2c is sale.OrderEvent's fingerprint per Avro for Java, written little-endian.
    expect(bytes.subarray(0, 10).toString('hex')).toBe('c3012cbfd572bfd9d6c3');
    expect(serde.deserialize(bytes, read)).toEqual(orderPaid());
    const created = orderPaid({ payment: null, amount: '-9999999999.99' });
    expect(serde.deserialize(serde.serialize(created, out), read)).toEqual(created);
  });

  it('reads v1 records (known from history) and v2 records with the v2 reader', () => {
    const writerV1 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V1]), type: 'sale.Ticket' });
    const serdeV2 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V2], { history: [V1] }), type: 'sale.Ticket' });
    const old = writerV1.serialize({ orderId: 'o-1', amount: '0.01' }, out);
    const fresh = serdeV2.serialize({ orderId: 'o-2', amount: '12.30', channel: 'app' }, out);
    expect(serdeV2.deserialize(old, read)).toEqual({ orderId: 'o-1', amount: '0.01', channel: 'web' });
    expect(serdeV2.deserialize(fresh, read)).toEqual({ orderId: 'o-2', amount: '12.30', channel: 'app' });
  });

  it('names the unknown fingerprint and the breaking field of an incompatible writer', () => {
    const writerV1 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V1]), type: 'sale.Ticket' });
    const old = writerV1.serialize({ orderId: 'o-1', amount: '0.01' }, out);
    const stranger = avroSerde<object>({ schemas: new AvroSchemaCatalog([V2]), type: 'sale.Ticket' });
    expect(() => stranger.deserialize(old, read)).toThrow(UnknownSchemaFingerprintError);
    const v3 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V3], { history: [V1] }), type: 'sale.Ticket' });
    expect(() => v3.deserialize(old, read)).toThrow(IncompatibleWriterSchemaError);
    expect(() => v3.deserialize(old, read)).toThrow(/field priority is new and has no default/);
  });

  it('rejects wrong markers, truncation and trailing bytes with typed errors naming coordinates', () => {
    const serde = avroSerde<OrderEvent>({ schemas, type: 'sale.OrderEvent' });
    const good = serde.serialize(orderPaid(), out);
    expect(() => serde.deserialize(Buffer.from([0, 0, 0, 0, 1]), read)).toThrow(WrongMagicByteError);
    expect(() => serde.deserialize(Buffer.from([0xc3, 0x02]), read)).toThrow(WrongMagicByteError);
    expect(() => serde.deserialize(good.subarray(0, 6), read)).toThrow(/header needs 10 bytes/);
    expect(() => serde.deserialize(good.subarray(0, good.length - 1), read)).toThrow(TruncatedAvroError);
    expect(() => serde.deserialize(Buffer.concat([good, Buffer.from([0])]), read)).toThrow(InvalidAvroBodyError);
    expect(() => serde.deserialize(Buffer.concat([good, Buffer.from([0])]), read)).toThrow(/sale\.order-events\/0@5/);
  });

  it('names the field of a value that does not match: a float where a decimal string belongs', () => {
    const serde = avroSerde<OrderEvent>({ schemas, type: 'sale.OrderEvent' });
    const bad = { ...orderPaid(), amount: 12.5 } as unknown as OrderEvent;
    expect(() => serde.serialize(bad, out)).toThrow(AvroSchemaMismatchError);
    expect(() => serde.serialize(bad, out)).toThrow(/field amount must be a decimal string/);
    expect(() => serde.serialize({ ...orderPaid(), seq: 2 ** 60 }, out)).toThrow(/field seq expected long/);
  });
});
