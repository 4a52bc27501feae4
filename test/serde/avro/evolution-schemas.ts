import type { AvroSchemaSource } from '../../../src/serde/avro/avro-schema-catalog.js';

const base = [
  { name: 'orderId', type: 'string' },
  { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
];

/** v1 of a small record, v2 adding a field with a default (backward compatible), v3 one without. */
export const V1: AvroSchemaSource = { origin: 'v1.avsc', schema: { type: 'record', name: 'Ticket', namespace: 'sale', fields: base } };
export const V2: AvroSchemaSource = {
  origin: 'v2.avsc',
  schema: { type: 'record', name: 'Ticket', namespace: 'sale', fields: [...base, { name: 'channel', type: 'string', default: 'web' }] },
};
export const V3: AvroSchemaSource = {
  origin: 'v3.avsc',
  schema: { type: 'record', name: 'Ticket', namespace: 'sale', fields: [...base, { name: 'priority', type: 'int' }] },
};
