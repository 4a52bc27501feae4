import { describe, expect, it } from 'vitest';
import { AvroSchemaCatalog } from '../../../src/serde/avro/avro-schema-catalog.js';

function typeWith(decimal: object) {
  const catalog = new AvroSchemaCatalog([{ origin: 'm.avsc', schema: { type: 'record', name: 'M', fields: [{ name: 'amount', type: decimal }] } }]);
  return catalog.type('M');
}
const bytes12x2 = typeWith({ type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 });
const fixed12x2 = typeWith({ type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 12, scale: 2 });

describe('DecimalType (decimal(12,2) as an exact string)', () => {
  it.each([bytes12x2, fixed12x2])('round-trips the limits and the smallest step exactly', (type) => {
    for (const amount of ['9999999999.99', '-9999999999.99', '0.01', '-0.01', '0.00', '1234.50']) {
      expect(type.fromBuffer(type.toBuffer({ amount }))).toEqual({ amount });
    }
  });

  it('writes the unscaled value as big-endian two\'s complement', () => {
    // 1234.50 at scale 2 is 123450 = 0x01e23a; bytes are length-prefixed (zig-zag 3 = 0x06).
    expect(bytes12x2.toBuffer({ amount: '1234.50' })).toEqual(Buffer.from([0x06, 0x01, 0xe2, 0x3a]));
    // -0.01 is -1 = 0xff, one byte.
    expect(bytes12x2.toBuffer({ amount: '-0.01' })).toEqual(Buffer.from([0x02, 0xff]));
    expect(fixed12x2.toBuffer({ amount: '-0.01' })).toEqual(Buffer.alloc(8, 0xff));
  });

  it('pads to the scale when reading back fewer fraction digits', () => {
    expect(bytes12x2.fromBuffer(bytes12x2.toBuffer({ amount: '7.5' }))).toEqual({ amount: '7.50' });
    expect(bytes12x2.fromBuffer(bytes12x2.toBuffer({ amount: '007' }))).toEqual({ amount: '7.00' });
  });

  it('rejects values beyond precision or scale, floats and non-decimal text, naming the field', () => {
    for (const amount of ['10000000000.00', '-10000000000.00', '0.001', 12.5, '1e3', '', '12.']) {
      const paths: string[] = [];
      expect(bytes12x2.isValid({ amount }, { errorHook: (path) => paths.push(path.join('.')) })).toBe(false);
      expect(paths).toEqual(['amount']);
    }
  });
});
