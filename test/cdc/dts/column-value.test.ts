import { describe, expect, it } from 'vitest';
import { decodeColumnValue } from '../../../src/cdc/dts/column-value.js';
import { DtsNormalizeError } from '../../../src/cdc/dts/dts-errors.js';
import { DtsDataType, type DtsColumn, type DtsData } from '../../../src/cdc/dts/dts-model.js';

const column: DtsColumn = { name: 'c', originalType: 'x', isKey: false };
const jsonColumn: DtsColumn = { name: 'remark', originalType: 'JSON', isKey: false };
const where = (): string => 'here, column "c"';
const sv = (dataType: number, value: string): DtsData => ({ dataType, charset: '', sv: value, bv: Buffer.alloc(0) });
const bv = (dataType: number, charset: string, bytes: Buffer): DtsData => ({ dataType, charset, sv: '', bv: bytes });
const map = (data: DtsData, col = column, parseJson = false): unknown => decodeColumnValue(data, col, { parseJson }, where);

describe('decodeColumnValue: numbers', () => {
  it('maps the small integer types to numbers at their limits', () => {
    expect(map(sv(DtsDataType.INT8, '-128'))).toBe(-128);
    expect(map(sv(DtsDataType.INT16, '32767'))).toBe(32767);
    expect(map(sv(DtsDataType.INT32, '-2147483648'))).toBe(-2147483648);
    expect(map(sv(DtsDataType.UINT8, '255'))).toBe(255);
    expect(map(sv(DtsDataType.UINT16, '65535'))).toBe(65535);
  });

  it('maps INT64, UINT32 and UINT64 to exact bigints at their limits', () => {
    expect(map(sv(DtsDataType.INT64, '-9223372036854775808'))).toBe(-9223372036854775808n);
    expect(map(sv(DtsDataType.INT64, '9223372036854775807'))).toBe(9223372036854775807n);
    expect(map(sv(DtsDataType.UINT32, '4294967295'))).toBe(4294967295n);
    expect(map(sv(DtsDataType.UINT64, '18446744073709551615'))).toBe(18446744073709551615n);
  });

  it('rejects integers out of their type range or not integers, naming the column', () => {
    expect(() => map(sv(DtsDataType.INT8, '128'))).toThrowError(/here, column "c": INT8 value "128"/);
    expect(() => map(sv(DtsDataType.UINT16, '-1'))).toThrowError(DtsNormalizeError);
    expect(() => map(sv(DtsDataType.INT32, '1.5'))).toThrowError(DtsNormalizeError);
    expect(() => map(sv(DtsDataType.INT64, '9223372036854775808'))).toThrowError(/INT64/);
    expect(() => map(sv(DtsDataType.UINT64, '18446744073709551616'))).toThrowError(/UINT64/);
    expect(() => map(sv(DtsDataType.UINT64, ''))).toThrowError(DtsNormalizeError);
  });

  it('maps FLOAT32/FLOAT64 to numbers and rejects non-finite or malformed text', () => {
    expect(map(sv(DtsDataType.FLOAT32, '1.5'))).toBe(1.5);
    expect(map(sv(DtsDataType.FLOAT64, '-2.5e-3'))).toBe(-0.0025);
    expect(() => map(sv(DtsDataType.FLOAT64, 'NaN'))).toThrowError(DtsNormalizeError);
    expect(() => map(sv(DtsDataType.FLOAT64, '1e999'))).toThrowError(/not a finite number/);
    expect(() => map(sv(DtsDataType.FLOAT64, ''))).toThrowError(DtsNormalizeError);
  });

  it('keeps DECIMAL as its exact string and rejects text that is not a decimal', () => {
    expect(map(sv(DtsDataType.DECIMAL, '199.00'))).toBe('199.00');
    expect(map(sv(DtsDataType.DECIMAL, '-12345678901234567890.123456789'))).toBe('-12345678901234567890.123456789');
    expect(() => map(sv(DtsDataType.DECIMAL, '1,5'))).toThrowError(/DECIMAL value "1,5" is not a decimal/);
    expect(() => map(sv(DtsDataType.DECIMAL, ''))).toThrowError(DtsNormalizeError);
  });
});

describe('decodeColumnValue: text, bytes, null and NA', () => {
  it('decodes STRING bytes by charset', () => {
    expect(map(bv(DtsDataType.STRING, 'utf8mb4', Buffer.from('秒杀 🎉')))).toBe('秒杀 🎉');
    expect(map(bv(DtsDataType.STRING, 'UTF8', Buffer.from('abc')))).toBe('abc');
    expect(map(bv(DtsDataType.STRING, '', Buffer.from('naïve')))).toBe('naïve');
    expect(map(bv(DtsDataType.STRING, 'gbk', Buffer.from([0xc4, 0xe3, 0xba, 0xc3])))).toBe('你好');
    expect(map(bv(DtsDataType.STRING, 'latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9])))).toBe('café');
    expect(map(bv(DtsDataType.STRING, 'ascii', Buffer.from('plain')))).toBe('plain');
  });

  it('keeps STRING in the binary charset as the exact bytes', () => {
    expect(map(bv(DtsDataType.STRING, 'binary', Buffer.from([0, 0xff])))).toEqual(Buffer.from([0, 0xff]));
  });

  it('takes STRING text from sv when a producer left bv empty', () => {
    expect(map({ dataType: DtsDataType.STRING, charset: 'utf8', sv: '2024-06-10 06:13:20 +00:00', bv: Buffer.alloc(0) })).toBe(
      '2024-06-10 06:13:20 +00:00',
    );
  });

  it('rejects an unknown charset and bytes invalid in their charset, naming the column', () => {
    expect(() => map(bv(DtsDataType.STRING, 'klingon', Buffer.from('x')))).toThrowError(/column "c": unknown charset "klingon"/);
    expect(() => map(bv(DtsDataType.STRING, 'utf8mb4', Buffer.from([0xc3, 0x28])))).toThrowError(/not valid utf8mb4 text/);
    expect(() => map(bv(DtsDataType.STRING, 'ascii', Buffer.from([0x80])))).toThrowError(DtsNormalizeError);
  });

  it('maps BYTES to a Buffer that does not share memory with the message', () => {
    const message = Buffer.from([1, 2, 3, 4]);
    const value = map(bv(DtsDataType.BYTES, '', message.subarray(1, 3)));
    expect(value).toEqual(Buffer.from([2, 3]));
    message[1] = 9;
    expect(value).toEqual(Buffer.from([2, 3]));
  });

  it('parses a json BYTES column only when parseJson is set, and rejects invalid JSON naming the column', () => {
    const json = bv(DtsDataType.BYTES, '', Buffer.from('{"a":[1,true,null,"x"]}'));
    expect(map(json, jsonColumn, false)).toEqual(Buffer.from('{"a":[1,true,null,"x"]}'));
    expect(map(json, jsonColumn, true)).toEqual({ a: [1, true, null, 'x'] });
    expect(map(json, column, true)).toEqual(Buffer.from('{"a":[1,true,null,"x"]}'));
    expect(() => map(bv(DtsDataType.BYTES, '', Buffer.from('{oops')), jsonColumn, true)).toThrowError(
      /column "c": JSON column is not valid JSON/,
    );
  });

  it('maps NIL to null and NA to undefined (left out of the row)', () => {
    expect(map(sv(DtsDataType.NIL, ''))).toBeNull();
    expect(map(sv(DtsDataType.NA, ''))).toBeUndefined();
  });

  it('rejects an unknown DataType number naming the column', () => {
    expect(() => map(sv(15, '1'))).toThrowError(/column "c": unknown DataType 15/);
  });
});
