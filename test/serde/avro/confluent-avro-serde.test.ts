import { beforeAll, describe, expect, it } from 'vitest';
import {
  AvroSchemaMismatchError,
  TruncatedAvroError,
  UnknownSchemaIdError,
  WrongMagicByteError,
} from '../../../src/serde/avro/avro-errors.js';
import { AvroSchemaCatalog } from '../../../src/serde/avro/avro-schema-catalog.js';
import { avroSerde } from '../../../src/serde/avro/avro-serde.js';
import { loadAvroSchemas } from '../../../src/serde/avro/load-avro-schemas.js';
import { SerdeNotInitializedError } from '../../../src/serde/serde-errors.js';
import { FakeSchemaRegistryClient } from '../registry/fake-schema-registry-client.js';
import { V1, V2, V3 } from './evolution-schemas.js';
import { type OrderEvent, orderPaid, SCHEMAS_DIR } from './order-event-fixture.js';

const TOPIC = 'sale.order-events';
const read = { topic: TOPIC, partition: 1, offset: '77' };
let schemas: AvroSchemaCatalog;

beforeAll(async () => {
  schemas = await loadAvroSchemas(SCHEMAS_DIR);
});

describe('avroSerde with a schema registry (Confluent wire format)', () => {
  it('registers under <topic>-value on init and round-trips an OrderEvent with and without payment', async () => {
    const registry = new FakeSchemaRegistryClient();
    const serde = avroSerde<OrderEvent>({ schemas, type: 'order-event', registry });
    await serde.init?.(TOPIC);
    expect(registry.requests).toEqual([`register ${TOPIC}-value`]);
    for (const event of [orderPaid(), orderPaid({ type: 'OrderCreated', status: 'CREATED', payment: null, seq: 1 })]) {
      const bytes = serde.serialize(event, { topic: TOPIC });
      expect(bytes.readUInt8(0)).toBe(0);
      expect(bytes.readInt32BE(1)).toBe(1);
      expect(serde.deserialize(bytes, read)).toEqual(event);
    }
  });

  it('uses <topic>-key for keys and the record name under RecordNameStrategy', async () => {
    const registry = new FakeSchemaRegistryClient();
    await avroSerde({ schemas, type: 'sale.Payment', registry, isKey: true }).init?.('t');
    await avroSerde({ schemas, type: 'sale.Payment', registry, subjectNameStrategy: 'record' }).init?.('t');
    expect(registry.requests).toEqual(['register t-key', 'register sale.Payment']);
  });

  it('reads records of v1 and v2 with the v2 reader after prepare fetched the v1 schema', async () => {
    const registry = new FakeSchemaRegistryClient();
    const writerV1 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V1]), type: 'sale.Ticket', registry });
    const serdeV2 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V2]), type: 'sale.Ticket', registry });
    await writerV1.init?.('tickets');
    await serdeV2.init?.('tickets');
    const old = writerV1.serialize({ orderId: 'o-1', amount: '0.01' }, { topic: 'tickets' });
    const fresh = serdeV2.serialize({ orderId: 'o-2', amount: '9999999999.99', channel: 'app' }, { topic: 'tickets' });
    expect(old.readInt32BE(1)).not.toBe(fresh.readInt32BE(1));
    const reader = avroSerde<object>({ schemas: new AvroSchemaCatalog([V2]), type: 'sale.Ticket', registry });
    await reader.prepare?.([old, fresh], 'tickets');
    expect(reader.deserialize(old, read)).toEqual({ orderId: 'o-1', amount: '0.01', channel: 'web' });
    expect(reader.deserialize(fresh, read)).toEqual({ orderId: 'o-2', amount: '9999999999.99', channel: 'app' });
  });

  it('fetches each unknown id once per serde, not once per record', async () => {
    const registry = new FakeSchemaRegistryClient();
    const writer = avroSerde<object>({ schemas: new AvroSchemaCatalog([V1]), type: 'sale.Ticket', registry });
    await writer.init?.('tickets');
    const record = writer.serialize({ orderId: 'o', amount: '1.00' }, { topic: 'tickets' });
    const reader = avroSerde<object>({ schemas: new AvroSchemaCatalog([V2]), type: 'sale.Ticket', registry });
    await reader.prepare?.([record, record], 'tickets');
    await reader.prepare?.([record], 'tickets');
    expect(registry.requests.filter((r) => r.startsWith('schema'))).toEqual(['schema 1']);
  });

  it('throws UnknownSchemaIdError naming coordinates for an id not prepared, unknown to the registry, or unreadable', async () => {
    const registry = new FakeSchemaRegistryClient();
    const serde = avroSerde<object>({ schemas: new AvroSchemaCatalog([V3]), type: 'sale.Ticket', registry });
    const unprepared = Buffer.from([0, 0, 0, 0, 9, 2]);
    expect(() => serde.deserialize(unprepared, read)).toThrow(UnknownSchemaIdError);
    expect(() => serde.deserialize(unprepared, read)).toThrow(/id 9 at sale\.order-events\/1@77: not prepared/);
    await serde.prepare?.([unprepared], TOPIC);
    expect(() => serde.deserialize(unprepared, read)).toThrow(/registry has no schema/);
    const v1 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V1]), type: 'sale.Ticket', registry });
    await v1.init?.('tickets');
    const old = v1.serialize({ orderId: 'o', amount: '1.00' }, { topic: 'tickets' });
    await serde.prepare?.([old], 'tickets');
    expect(() => serde.deserialize(old, read)).toThrow(/field priority is new and has no default/);
  });

  it('rejects a wrong magic byte and truncated headers and bodies with typed errors', async () => {
    const registry = new FakeSchemaRegistryClient();
    const serde = avroSerde<OrderEvent>({ schemas, type: 'order-event', registry });
    await serde.init?.(TOPIC);
    const good = serde.serialize(orderPaid(), { topic: TOPIC });
    expect(() => serde.deserialize(Buffer.from([1, 0, 0, 0, 1]), read)).toThrow(WrongMagicByteError);
    expect(() => serde.deserialize(Buffer.from([]), read)).toThrow(TruncatedAvroError);
    expect(() => serde.deserialize(good.subarray(0, 3), read)).toThrow(/header needs 5 bytes/);
    expect(() => serde.deserialize(good.subarray(0, good.length - 3), read)).toThrow(TruncatedAvroError);
  });

  it('names the field path when a value does not match the schema', async () => {
    const registry = new FakeSchemaRegistryClient();
    const serde = avroSerde<OrderEvent>({ schemas, type: 'order-event', registry });
    await serde.init?.(TOPIC);
    const tooBig = orderPaid({ payment: { paymentId: 'p', channel: 'c', amount: '12345678901.00', paidAt: 1 } });
    expect(() => serde.serialize(tooBig, { topic: TOPIC })).toThrow(AvroSchemaMismatchError);
    expect(() => serde.serialize(tooBig, { topic: TOPIC })).toThrow(/field payment\.amount "12345678901\.00" has 11 integer digits/);
    const badEnum = { ...orderPaid(), status: 'LOST' };
    expect(() => serde.serialize(badEnum, { topic: TOPIC })).toThrow(/field status expected sale\.OrderStatus, got "LOST"/);
    const extra = { ...orderPaid(), paymnet: null } as OrderEvent;
    expect(() => serde.serialize(extra, { topic: TOPIC })).toThrow(AvroSchemaMismatchError);
  });

  it('refuses to serialize for a topic it was not initialized for', () => {
    const serde = avroSerde<OrderEvent>({ schemas, type: 'order-event', registry: new FakeSchemaRegistryClient() });
    expect(() => serde.serialize(orderPaid(), { topic: TOPIC })).toThrow(SerdeNotInitializedError);
  });

  it('round-trips int64 limits as bigint when longs are bigint', async () => {
    const catalog = await loadAvroSchemas(SCHEMAS_DIR, { longs: 'bigint' });
    const serde = avroSerde<object>({ schemas: catalog, type: 'sale.SourceCoordinates', registry: new FakeSchemaRegistryClient() });
    await serde.init?.('t');
    for (const position of [-(2n ** 63n), 2n ** 63n - 1n, 0n]) {
      const value = { serverId: '1', gtid: 'g:1', file: 'f', position };
      expect(serde.deserialize(serde.serialize(value, { topic: 't' }), read)).toEqual(value);
    }
    expect(() => serde.serialize({ serverId: '1', gtid: 'g', file: 'f', position: 2n ** 63n }, { topic: 't' })).toThrow(/field position/);
  });
});
