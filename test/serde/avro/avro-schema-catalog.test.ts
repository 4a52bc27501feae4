import { describe, expect, it } from 'vitest';
import { AvroSchemaError } from '../../../src/serde/avro/avro-errors.js';
import { AvroSchemaCatalog } from '../../../src/serde/avro/avro-schema-catalog.js';
import { loadAvroSchemas } from '../../../src/serde/avro/load-avro-schemas.js';
import { SCHEMAS_DIR } from './order-event-fixture.js';

const money = { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 };
const item = { origin: 'item.avsc', schema: { type: 'record', name: 'Item', namespace: 'shop', fields: [{ name: 'price', type: money }] } };
const cart = { origin: 'cart.avsc', schema: { type: 'record', name: 'Cart', namespace: 'shop', fields: [{ name: 'first', type: 'Item' }] } };

describe('AvroSchemaCatalog', () => {
  it('loads schemas/ where order-event uses Payment and SourceCoordinates from other files', async () => {
    const schemas = await loadAvroSchemas(SCHEMAS_DIR);
    expect(schemas.resolveName('order-event')).toBe('sale.OrderEvent');
    expect(schemas.type('sale.OrderEvent').name).toBe('sale.OrderEvent');
    const names = schemas.schemas().map((s) => s.type.name);
    expect([...names].sort()).toEqual(['sale.OrderEvent', 'sale.Payment', 'sale.SkuMinuteStats', 'sale.SkuTotals', 'sale.SourceCoordinates']);
    // A schema comes after the schemas it uses.
    expect(names.indexOf('sale.OrderEvent')).toBeGreaterThan(Math.max(names.indexOf('sale.Payment'), names.indexOf('sale.SourceCoordinates')));
  });

  it('loads a file that uses a type before the file defining it, whatever their order', () => {
    const catalog = new AvroSchemaCatalog([cart, item]);
    expect(catalog.type('shop.Cart').isValid({ first: { price: '1.00' } })).toBe(true);
  });

  it('names the file and the type when a referenced type is defined nowhere', () => {
    expect(() => new AvroSchemaCatalog([cart])).toThrow(AvroSchemaError);
    expect(() => new AvroSchemaCatalog([cart])).toThrow(/cart\.avsc: undefined type shop\.Item/);
  });

  it('refuses a type defined in two files and an unknown type name', () => {
    expect(() => new AvroSchemaCatalog([item, { ...item, origin: 'copy.avsc' }])).toThrow(/defined twice/);
    expect(() => new AvroSchemaCatalog([item]).type('shop.Nope')).toThrow(/no Avro type named shop\.Nope/);
  });

  it('rejects decimal attributes that cannot work', () => {
    const bad = (decimal: object) => new AvroSchemaCatalog([{ origin: 'bad.avsc', schema: { type: 'record', name: 'B', fields: [{ name: 'd', type: decimal }] } }]);
    expect(() => bad({ type: 'bytes', logicalType: 'decimal', precision: 0 })).toThrow(/precision/);
    expect(() => bad({ type: 'bytes', logicalType: 'decimal', precision: 4, scale: 5 })).toThrow(/scale/);
    expect(() => bad({ type: 'fixed', name: 'F', size: 2, logicalType: 'decimal', precision: 9 })).toThrow(/fixed\(2\)/);
  });
});
