import { describe, expect, it } from 'vitest';
import { findIncompatibilities } from '../../../src/serde/avro/avro-compatibility.js';
import { AvroSchemaCatalog } from '../../../src/serde/avro/avro-schema-catalog.js';

function record(fields: object[]) {
  return new AvroSchemaCatalog([{ origin: 'r.avsc', schema: { type: 'record', name: 'R', namespace: 'x', fields } }]).type('x.R');
}
const inner = (fields: object[]) => ({ type: 'record', name: 'Inner', fields });

describe('findIncompatibilities', () => {
  it('finds nothing when the reader adds a field with a default', () => {
    const v1 = record([{ name: 'a', type: 'string' }]);
    const v2 = record([{ name: 'a', type: 'string' }, { name: 'b', type: 'int', default: 0 }]);
    expect(findIncompatibilities(v2, v1)).toEqual([]);
  });

  it('names a new field without a default and a nested field whose type changed', () => {
    const v1 = record([{ name: 'a', type: 'string' }, { name: 'n', type: inner([{ name: 'q', type: 'string' }]) }]);
    const v3 = record([
      { name: 'a', type: 'string' },
      { name: 'c', type: 'int' },
      { name: 'n', type: inner([{ name: 'q', type: 'int' }]) },
    ]);
    const found = findIncompatibilities(v3, v1);
    expect(found.map((f) => f.path)).toEqual(['c', 'n.q']);
    expect(found[0]?.reason).toMatch(/no default/);
    expect(found[1]?.reason).toMatch(/string cannot be read as int/);
  });

  it('names an enum that lost symbols', () => {
    const e = (symbols: string[]) => ({ type: 'enum', name: 'E', symbols });
    const found = findIncompatibilities(record([{ name: 's', type: e(['A']) }]), record([{ name: 's', type: e(['A', 'B']) }]));
    expect(found).toEqual([{ path: 's', reason: 'lost enum symbols B' }]);
  });
});
