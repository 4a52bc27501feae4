import { describe, expect, it } from 'vitest';
import { decodeEntries, decodeEnvelope } from '../../../src/cdc/dts/dts-decode.js';
import { encodeEntries, encodeEnvelope } from '../../../src/cdc/dts/dts-encode.js';
import { DtsDataType, type DtsData, type DtsEntry, type DtsHeader } from '../../../src/cdc/dts/dts-model.js';
import { normalizeTransaction } from '../../../src/cdc/dts/normalize-transaction.js';

const header = (over: Partial<DtsHeader>): DtsHeader => ({
  version: 2,
  sourceType: 3,
  messageType: 2,
  timestamp: 4294967295,
  serverId: '-9223372036854775808',
  fileName: 'mysql-bin.999999',
  position: 18446744073709551615n,
  gtid: 'uuid:18446744073709551615',
  schemaName: 'sale',
  tableName: 'all_types',
  seqId: 18446744073709551615n,
  eventIndex: 9007199254740993n,
  isLast: true,
  properties: [{ key: 'k', value: 'v' }],
  ...over,
});

const s = (dataType: number, sv: string): DtsData => ({ dataType, charset: '', sv, bv: Buffer.alloc(0) });
const b = (dataType: number, charset: string, bv: Buffer): DtsData => ({ dataType, charset, sv: '', bv });

// One column per DataType (NA included), with the values a row of them must normalize to.
const cells: [string, DtsData, unknown][] = [
  ['nil', s(DtsDataType.NIL, ''), null],
  ['i8', s(DtsDataType.INT8, '-128'), -128],
  ['i16', s(DtsDataType.INT16, '-32768'), -32768],
  ['i32', s(DtsDataType.INT32, '2147483647'), 2147483647],
  ['i64min', s(DtsDataType.INT64, '-9223372036854775808'), -9223372036854775808n],
  ['i64max', s(DtsDataType.INT64, '9223372036854775807'), 9223372036854775807n],
  ['u8', s(DtsDataType.UINT8, '255'), 255],
  ['u16', s(DtsDataType.UINT16, '65535'), 65535],
  ['u32', s(DtsDataType.UINT32, '4294967295'), 4294967295n],
  ['u64', s(DtsDataType.UINT64, '18446744073709551615'), 18446744073709551615n],
  ['f32', s(DtsDataType.FLOAT32, '0.5'), 0.5],
  ['f64', s(DtsDataType.FLOAT64, '1.7976931348623157e308'), 1.7976931348623157e308],
  ['bytes', b(DtsDataType.BYTES, '', Buffer.from([0, 1, 254, 255])), Buffer.from([0, 1, 254, 255])],
  ['dec', s(DtsDataType.DECIMAL, '-0.01'), '-0.01'],
  ['bigdec', s(DtsDataType.DECIMAL, '99999999999999999999999999999.999999999'), '99999999999999999999999999999.999999999'],
  ['str', b(DtsDataType.STRING, 'utf8mb4', Buffer.from('状态')), '状态'],
  ['na', s(DtsDataType.NA, ''), undefined],
];

const transaction: DtsEntry[] = [
  { header: header({ messageType: 0 }), event: { kind: 'begin', transactionId: 'tx', threadId: -9223372036854775808n, properties: [] } },
  {
    header: header({}),
    event: {
      kind: 'dml',
      dmlType: 0,
      columns: cells.map(([name], i) => ({ name, originalType: 't', isKey: i === 0 })),
      rows: [{ oldColumns: [], newColumns: cells.map(([, data]) => data) }],
      properties: [{ key: 'e', value: 'f' }],
    },
  },
  { header: header({ messageType: 3 }), event: { kind: 'ddl', schemaName: 'sale', sql: 'ALTER TABLE t ADD c INT', properties: [] } },
  { header: header({ messageType: 6 }), event: { kind: 'checkpoint', fileName: 'mysql-bin.000002', position: 18446744073709551615n, properties: [] } },
  { header: header({ messageType: 5 }), event: { kind: 'heartbeat', epoch: 9223372036854775807n, properties: [] } },
  { header: header({ messageType: 1 }), event: { kind: 'commit', transactionId: 'tx', properties: [] } },
];

describe('encodeEntries → decodeEntries', () => {
  it('round-trips every event kind and the 64-bit limits exactly', () => {
    expect(decodeEntries(encodeEntries(transaction))).toEqual(transaction);
  });

  it('round-trips a rollback and an empty Entries', () => {
    const rollback: DtsEntry = { header: header({ messageType: 4 }), event: { kind: 'rollback', properties: [] } };
    expect(decodeEntries(encodeEntries([rollback]))).toEqual([rollback]);
    expect(decodeEntries(encodeEntries([]))).toEqual([]);
  });

  it('round-trips every DataType through normalization to the values the spec names', () => {
    const [event] = normalizeTransaction(decodeEntries(encodeEntries(transaction)), { topic: 't', partition: 0, offset: '0' });
    const expected = Object.fromEntries(cells.filter(([, , v]) => v !== undefined).map(([name, , v]) => [name, v]));
    expect(event?.after).toEqual(expected);
    expect(Object.keys(event?.after ?? {})).not.toContain('na');
    expect(event?.source.gtidSequence).toBe(18446744073709551615n);
    expect(event?.source.position).toBe(18446744073709551615n);
    expect(event?.source.serverId).toBe('-9223372036854775808');
    expect(event?.source.timestamp).toBe(4294967295000);
  });
});

describe('encodeEnvelope → decodeEnvelope', () => {
  it('round-trips all fields', () => {
    const envelope = { version: 7, total: 4294967295, index: 4294967294, data: Buffer.from('xyz'), properties: [{ key: 'a', value: 'b' }] };
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });
});
