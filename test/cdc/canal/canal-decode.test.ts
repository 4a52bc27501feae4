import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CanalDecodeError, decodeCanalMessage } from '../../../src/cdc/canal/index.js';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'canal');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const at = { topic: 'canal.sale', partition: 2, offset: '1234' };

function events(name: string): readonly ChangeEvent[] {
  const message = decodeCanalMessage(fixture(name), at);
  if (message.kind !== 'dml') throw new Error(`${name} is ${message.kind}`);
  return message.events;
}

describe('decodeCanalMessage on golden flat messages', () => {
  it('maps an INSERT of two rows: exact BIGINT ids, DECIMAL text, datetimes as written, JSON as text', () => {
    const [first, second] = events('insert.json');
    expect(first).toMatchObject({ schema: 'sale', table: 'orders', op: 'insert', before: undefined, keyColumns: ['order_id'] });
    expect(first?.after).toEqual({
      order_id: 1900000000000000001n,
      user_id: 10000001,
      sku_id: 100001,
      amount: '1999.00',
      status: 'CREATED',
      version: 1,
      remark: '{"note":"gift 礼物"}',
      created_at: '2025-11-11 08:00:00',
      updated_at: '2025-11-11 08:00:00',
    });
    expect(second?.after?.['amount']).toBe('-0.50');
    expect(second?.after?.['remark']).toBeNull();
  });

  it('positions rows by the Kafka record: the partition is the shard, the offset the sequence, es the event time', () => {
    const [first, second] = events('insert.json');
    expect(first?.source).toEqual({
      serverId: 'canal.sale#2',
      gtid: '',
      gtidSequence: 1234n,
      fileName: '',
      position: 1234n,
      rowIndex: 0,
      timestamp: 1762819200000,
      transactionId: undefined,
      indexInTransaction: 0,
      partition: 2,
      offset: '1234',
    });
    expect(second?.source.rowIndex).toBe(1);
  });

  it('rebuilds the before image of an UPDATE from the changed columns in old', () => {
    const [update] = events('update.json');
    expect(update?.op).toBe('update');
    expect(update?.after).toMatchObject({ status: 'PAID', version: 2, updated_at: '2025-11-11 08:01:00' });
    expect(update?.before).toMatchObject({ status: 'CREATED', version: 1, updated_at: '2025-11-11 08:00:00', amount: '1999.00', created_at: '2025-11-11 08:00:00' });
  });

  it('maps a DELETE to its before image', () => {
    const [deleted] = events('delete.json');
    expect(deleted).toMatchObject({ op: 'delete', after: undefined, keyColumns: ['payment_id'] });
    expect(deleted?.row).toEqual({ payment_id: 2100000000000000001n, order_id: 1900000000000000001n, amount: '1999.00', channel: 'alipay', paid_at: '2025-11-11 08:01:00' });
  });

  it('reports a DDL message as such, with its statement', () => {
    expect(decodeCanalMessage(fixture('ddl.json'), at)).toEqual({
      kind: 'ddl',
      schema: 'sale',
      table: 'orders',
      type: 'ALTER',
      sql: 'ALTER TABLE orders ADD COLUMN coupon VARCHAR(32) NULL',
      timestamp: 1762819300000,
    });
  });

  it('types each column by its mysqlType: unsigned BIGINT max exact, binary text back to bytes, JSON parsed on request', () => {
    const message = decodeCanalMessage(fixture('types.json'), at, { parseJson: true });
    if (message.kind !== 'dml') throw new Error('not dml');
    expect(message.events[0]?.after).toEqual({
      id: 18446744073709551615n,
      tiny: -128,
      f: 1.5,
      d: -2.25e-300,
      dec_wide: '-12345678901234567890.0123456789',
      bin: Buffer.from([0x00, 0xff, 0x10]),
      blb: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      vc: 'héllo 世界',
      dt: '2025-11-11',
      tm: '23:59:59',
      yr: 2025,
      js: { a: [1, 2.5, null, true] },
      nothing: null,
    });
  });

  it('reads es in seconds and columns without type maps as text, as some Canal-compatible producers write them', () => {
    const [update] = events('seconds-no-types.json');
    expect(update?.source.timestamp).toBe(1762819400000);
    expect(update?.after).toEqual({ order_id: '1900000000000000003', status: 'SHIPPED' });
    expect(update?.before).toEqual({ order_id: '1900000000000000003', status: 'PAID' });
    expect(update?.keyColumns).toEqual([]);
  });
});

describe('what is a CanalDecodeError', () => {
  const message = (fields: Record<string, unknown>): Buffer =>
    Buffer.from(JSON.stringify({ database: 'sale', table: 'orders', type: 'INSERT', isDdl: false, es: 1, data: [{ a: '1' }], ...fields }));
  it.each([
    ['bytes that are not JSON', Buffer.from('{"data":'), /canal\.sale\/2@1234: not JSON/],
    ['a message without a type', message({ type: undefined }), /type is missing/],
    ['an unknown DML type', message({ type: 'MERGE' }), /type 'MERGE' is not INSERT, UPDATE or DELETE/],
    ['a DML without rows', message({ data: [] }), /has no data rows/],
    ['an UPDATE whose old does not match its rows', message({ type: 'UPDATE', old: [] }), /not one entry per data row/],
    ['a BIGINT that is not an integer', message({ mysqlType: { a: 'bigint(20)' }, data: [{ a: '1.5' }] }), /row 0: column a: '1\.5' is not an integer/],
    ['a DECIMAL that is not a decimal', message({ sqlType: { a: 3 }, data: [{ a: '1e5' }] }), /column a: '1e5' is not a decimal/],
    ['es that is not a time', message({ es: 'soon' }), /es is 'soon'/],
  ])('%s, naming topic/partition@offset', (_, bytes, expected) => {
    expect(() => decodeCanalMessage(bytes, at)).toThrow(CanalDecodeError);
    expect(() => decodeCanalMessage(bytes, at)).toThrow(expected);
  });
});
