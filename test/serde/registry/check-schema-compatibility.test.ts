import { describe, expect, it } from 'vitest';
import { AvroSchemaCatalog } from '../../../src/serde/avro/avro-schema-catalog.js';
import { checkSchemaCompatibility } from '../../../src/serde/registry/check-schema-compatibility.js';
import { V1, V2, V3 } from '../avro/evolution-schemas.js';
import { FakeSchemaRegistryClient } from './fake-schema-registry-client.js';

async function registryWith(...versions: Array<typeof V1>) {
  const client = new FakeSchemaRegistryClient();
  for (const v of versions) await client.register('tickets-value', JSON.stringify(v.schema));
  return client;
}
const subjects = [{ subject: 'tickets-value', typeName: 'sale.Ticket' }];

describe('checkSchemaCompatibility', () => {
  it('accepts a v2 that adds a field with a default (BACKWARD)', async () => {
    const [result] = await checkSchemaCompatibility({ client: await registryWith(V1), schemas: new AvroSchemaCatalog([V2]), subjects });
    expect(result?.status).toBe('compatible');
  });

  it('reports a v3 adding a field without a default, naming the field', async () => {
    const [result] = await checkSchemaCompatibility({ client: await registryWith(V1, V2), schemas: new AvroSchemaCatalog([V3]), subjects });
    expect(result?.status).toBe('incompatible');
    expect(result?.problems).toEqual([{ version: 2, direction: 'backward', path: 'priority', reason: 'is new and has no default' }]);
  });

  it('checks every version under a transitive level and the other direction under FORWARD', async () => {
    const client = await registryWith(V1, V2);
    const transitive = await checkSchemaCompatibility({ client, schemas: new AvroSchemaCatalog([V3]), subjects, level: 'BACKWARD_TRANSITIVE' });
    expect(transitive[0]?.problems.map((p) => p.version)).toEqual([1, 2]);
    // Old readers ignore v3's new field, so FORWARD holds.
    const forward = await checkSchemaCompatibility({ client, schemas: new AvroSchemaCatalog([V3]), subjects, level: 'FORWARD' });
    expect(forward[0]?.status).toBe('compatible');
  });

  it('reports a subject the registry does not have as new, by record name by default', async () => {
    const results = await checkSchemaCompatibility({ client: new FakeSchemaRegistryClient(), schemas: new AvroSchemaCatalog([V1]) });
    expect(results).toEqual([{ subject: 'sale.Ticket', typeName: 'sale.Ticket', status: 'new', problems: [], registry: { compatible: true, messages: [] } }]);
  });
});
