import { inject, describe, expect, it } from 'vitest';
import { AvroSchemaCatalog } from '../../src/serde/avro/avro-schema-catalog.js';
import { avroSerde } from '../../src/serde/avro/avro-serde.js';
import { loadAvroSchemas } from '../../src/serde/avro/load-avro-schemas.js';
import { checkSchemaCompatibility } from '../../src/serde/registry/check-schema-compatibility.js';
import { createSchemaRegistryClient } from '../../src/serde/registry/confluent-schema-registry-client.js';
import { V1, V2, V3 } from '../serde/avro/evolution-schemas.js';
import { type OrderEvent, orderPaid, SCHEMAS_DIR } from '../serde/avro/order-event-fixture.js';

// Topic names unique per run, so a shared registry (SCHEMA_REGISTRY_URL) never sees leftovers.
const run = Date.now().toString(36);
const at = (topic: string) => ({ topic, partition: 0, offset: '0' });

describe('a real Confluent-compatible schema registry', () => {
  const client = createSchemaRegistryClient({ url: inject('schemaRegistryUrl') });

  it('registers order-event under <topic>-value and round-trips through the wire format', async () => {
    const topic = `sale.order-events-${run}`;
    const schemas = await loadAvroSchemas(SCHEMAS_DIR);
    const writer = avroSerde<OrderEvent>({ schemas, type: 'order-event', registry: client });
    await writer.init?.(topic);
    const bytes = writer.serialize(orderPaid(), { topic });
    const id = bytes.readInt32BE(1);
    expect(JSON.parse((await client.schemaById(id)) ?? '{}')).toMatchObject({ name: 'OrderEvent', namespace: 'sale' });
    expect((await client.versions(`${topic}-value`)).map((v) => v.id)).toEqual([id]);
    const reader = avroSerde<OrderEvent>({ schemas: await loadAvroSchemas(SCHEMAS_DIR), type: 'order-event', registry: client });
    await reader.prepare?.([bytes], topic);
    expect(reader.deserialize(bytes, at(topic))).toEqual(orderPaid());
  });

  it('evolves to a compatible v2, reads v1 and v2 records with it, and names the field that makes v3 incompatible', async () => {
    const topic = `tickets-${run}`;
    const subjects = [{ subject: `${topic}-value`, typeName: 'sale.Ticket' }];
    const v1 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V1]), type: 'sale.Ticket', registry: client });
    await v1.init?.(topic);
    const old = v1.serialize({ orderId: 'o-1', amount: '-9999999999.99' }, { topic });

    const [v2Check] = await checkSchemaCompatibility({ client, schemas: new AvroSchemaCatalog([V2]), subjects });
    expect(v2Check?.status).toBe('compatible');
    const v2 = avroSerde<object>({ schemas: new AvroSchemaCatalog([V2]), type: 'sale.Ticket', registry: client });
    await v2.init?.(topic);
    const fresh = v2.serialize({ orderId: 'o-2', amount: '0.01', channel: 'app' }, { topic });
    expect(fresh.readInt32BE(1)).not.toBe(old.readInt32BE(1));
    await v2.prepare?.([old, fresh], topic);
    expect(v2.deserialize(old, at(topic))).toEqual({ orderId: 'o-1', amount: '-9999999999.99', channel: 'web' });
    expect(v2.deserialize(fresh, at(topic))).toEqual({ orderId: 'o-2', amount: '0.01', channel: 'app' });

    const [v3Check] = await checkSchemaCompatibility({ client, schemas: new AvroSchemaCatalog([V3]), subjects });
    expect(v3Check?.status).toBe('incompatible');
    expect(v3Check?.problems.map((p) => p.path)).toEqual(['priority']);
  });
});
