import { describe, expect, it } from 'vitest';
import { decodeDebeziumHeartbeat, decodeDebeziumMessage, decodeDebeziumRecord, decodeDebeziumTransaction, DebeziumDecodeError } from '../../../src/cdc/debezium/index.js';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';
import { allCaptured, captured, rawSource, type Variant } from './fixtures.js';

// The rows capture.ts wrote (its WORKLOAD), as SQL put them: what every decoded record must show.
const ORDER_1 = 1900000000000000001n;

function change(variant: Variant, name: string): ChangeEvent {
  const record = captured(variant, name);
  const decoded = decodeDebeziumRecord(record.key, record.value, record.at);
  if (decoded.kind !== 'change') throw new Error(`${name} decoded as ${decoded.kind}`);
  return decoded.event;
}

describe('decodeDebeziumRecord on records captured from MariaDB + Debezium, with the schema envelope', () => {
  it('maps an INSERT with exact int64 ids, the DECIMAL as its exact text, DATETIME zone-less and TIMESTAMP with +00:00', () => {
    const event = change('envelope', 'sale.orders.0');
    expect(event).toMatchObject({ schema: 'sale', table: 'orders', op: 'insert', before: undefined, keyColumns: ['order_id'] });
    expect(event.after).toEqual({
      order_id: ORDER_1,
      user_id: 10000001n,
      sku_id: 100001n,
      amount: '1999.00',
      status: 'CREATED',
      version: 1,
      remark: '{"note":"gift 礼物"}',
      created_at: '2025-11-11 08:00:00',
      updated_at: '2025-11-11 00:00:00 +00:00',
    });
    expect(event.row).toBe(event.after);
  });

  it('takes the source position from the source block: connector name as shard, MariaDB GTID sequence, file, pos, row, binlog time', () => {
    const record = captured('envelope', 'sale.orders.0');
    const raw = rawSource(record);
    const event = change('envelope', 'sale.orders.0');
    const gtid = raw['gtid'] as string;
    expect(event.source).toEqual({
      serverId: raw['name'],
      gtid,
      gtidSequence: BigInt(gtid.split('-')[2] as string),
      fileName: raw['file'],
      position: BigInt(raw['pos'] as number),
      rowIndex: 0,
      timestamp: 1762819200000, // SET TIMESTAMP = 1762819200 before the INSERT
      transactionId: gtid,
      indexInTransaction: 0,
      partition: record.at.partition,
      offset: record.at.offset,
    });
  });

  it('gives both rows of one transaction (an UPDATE to PAID, then a payment INSERT) the same GTID, in statement order', () => {
    const paid = change('envelope', 'sale.orders.1');
    const payment = change('envelope', 'sale.payments.0');
    expect(paid.op).toBe('update');
    expect(paid.before?.['status']).toBe('CREATED');
    expect(paid.after?.['status']).toBe('PAID');
    expect(payment.after).toEqual({ payment_id: 2100000000000000001n, order_id: ORDER_1, amount: '1999.00', channel: 'alipay', paid_at: '2025-11-11 08:01:00' });
    expect(payment.source.gtid).toBe(paid.source.gtid);
    expect(paid.source.indexInTransaction).toBe(0);
    expect(payment.source.indexInTransaction).toBe(1);
    expect(payment.source.position).toBeGreaterThan(paid.source.position);
  });

  it('numbers the rows of a multi-row INSERT and keeps negative decimals exact', () => {
    const first = change('envelope', 'sale.orders.2');
    const second = change('envelope', 'sale.orders.3');
    expect(second.source.position).toBe(first.source.position);
    expect([first.source.rowIndex, second.source.rowIndex]).toEqual([0, 1]);
    expect(second.after?.['amount']).toBe('-99.50');
  });

  it('maps a DELETE to its before image, and the tombstone after it to a tombstone', () => {
    const deleted = change('envelope', 'sale.orders.5');
    expect(deleted).toMatchObject({ op: 'delete', after: undefined });
    expect(deleted.row['order_id']).toBe(1900000000000000004n);
    const tombstone = captured('envelope', 'sale.orders.6');
    expect(decodeDebeziumRecord(tombstone.key, tombstone.value, tombstone.at)).toEqual({ kind: 'tombstone' });
  });

  it('maps every MySQL type of the probe table the way a DTS column of that type is mapped', () => {
    const event = change('envelope', 'sale.type_probe.0');
    expect(event.after).toEqual({
      id: -1n, // BIGINT UNSIGNED max: Debezium's default bigint.unsigned.handling.mode=long wraps it
      tiny: -128,
      small: -32768,
      med: -8388608,
      i: -2147483648,
      big: -9223372036854775808n,
      ubig: -1n,
      f: 1.5,
      d: -2.25e-300,
      dec_wide: '-12345678901234567890.0123456789',
      dec_int: '99999',
      bits: Buffer.from([0x81, 0x02]), // b'1010000001', little-endian as Debezium writes BIT
      flag: 1,
      ch: 'abc',
      vc: 'héllo 世界',
      txt: 'text',
      bin: Buffer.from([0x00, 0xff, 0x10]),
      blb: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      e: 'b',
      st: 'x,y',
      dt: '2025-11-11',
      tm: '23:59:59.125000',
      dtm: '2025-11-11 10:00:00.123456',
      ts: '2025-11-11 02:00:00.500 +00:00',
      yr: 2025,
      js: '{"a":[1,2.5,null,true],"big":12345678901234567890}',
    });
    const nulls = change('envelope', 'sale.type_probe.1');
    expect(Object.entries(nulls.after ?? {}).filter(([name]) => name !== 'id').every(([, v]) => v === null)).toBe(true);
  });
});

describe('decodeDebeziumRecord without the schema envelope', () => {
  it('decodes the same rows with JSON types: exact integers, text as text, times as Debezium encoded them', () => {
    const event = change('plain', 'sale.orders.0');
    expect(event.after).toMatchObject({ order_id: ORDER_1, user_id: 10000001, status: 'CREATED', version: 1, updated_at: '2025-11-11T00:00:00Z' });
    // Without a schema a DATETIME is the bare number Debezium made of it (wall clock read as UTC).
    expect(event.after?.['created_at']).toBe(Date.UTC(2025, 10, 11, 8));
    expect(event.source.gtid).toBe(rawSource(captured('plain', 'sale.orders.0'))['gtid']);
  });

  it('decodes every captured record of both variants without an error', () => {
    for (const variant of ['envelope', 'plain'] as const) {
      for (const record of allCaptured(variant)) expect(() => decodeDebeziumMessage(record.key, record.value, record.at)).not.toThrow();
    }
  });
});

describe('decodeDebeziumTransaction and decodeDebeziumHeartbeat', () => {
  it('reads END with its per-table counts and the commit time', () => {
    const record = captured('envelope', 'transaction.3');
    const marker = decodeDebeziumTransaction(record.value, record.at);
    expect(marker).toEqual({
      status: 'END',
      id: change('envelope', 'sale.payments.0').source.gtid,
      eventCount: 2,
      dataCollections: expect.arrayContaining([
        { dataCollection: 'sale.orders', eventCount: 1 },
        { dataCollection: 'sale.payments', eventCount: 1 },
      ]) as unknown,
      timestamp: 1762819260000,
    });
    const plain = captured('plain', 'transaction.3');
    expect(decodeDebeziumTransaction(plain.value, plain.at)).toMatchObject({ status: 'END', eventCount: 2 });
  });

  it('reads BEGIN without counts', () => {
    const record = captured('envelope', 'transaction.2');
    expect(decodeDebeziumTransaction(record.value, record.at)).toMatchObject({ status: 'BEGIN', eventCount: undefined, dataCollections: [] });
  });

  it("reads a heartbeat's connector name and wall-clock time", () => {
    const record = captured('envelope', 'heartbeat.0');
    const heartbeat = decodeDebeziumHeartbeat(record.key, record.value, record.at);
    expect(heartbeat.serverName).toBe(rawSource(captured('envelope', 'sale.orders.0'))['name']);
    expect(heartbeat.timestamp).toBeGreaterThan(1762819300000);
  });

  it('tells the three kinds of record apart by their shape', () => {
    const kinds = ['transaction.0', 'heartbeat.0', 'sale.orders.0'].map((name) => {
      const r = captured('envelope', name);
      return decodeDebeziumMessage(r.key, r.value, r.at).kind;
    });
    expect(kinds).toEqual(['transaction', 'heartbeat', 'record']);
  });
});

describe('what is a DebeziumDecodeError', () => {
  const at = { topic: 'dbz.sale.orders', partition: 3, offset: '42' };
  const value = (payload: unknown): Buffer => Buffer.from(JSON.stringify(payload));
  const source = { name: 'dbz', db: 'sale', table: 'orders', file: 'binlog.000002', pos: 100, row: 0, ts_ms: 1000, gtid: null };

  it.each([
    ['bytes that are not JSON', Buffer.from('{"op":'), /dbz\.sale\.orders\/3@42: not JSON/],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /not UTF-8/],
    ['a change event without op', value({ source }), /has no op/],
    ['an unknown op', value({ op: 'x', source, after: {} }), /unknown op 'x'/],
    ['an insert without an after image', value({ op: 'c', source }), /op 'c' has no after image/],
    ['a source without a file number and without a GTID', value({ op: 'c', source: { ...source, file: 'binlog' }, after: { a: 1 } }), /no number to order by/],
    ['a GTID without a sequence', value({ op: 'c', source: { ...source, gtid: 'abc' }, after: { a: 1 } }), /GTID 'abc' has no sequence/],
  ])('%s, naming topic/partition@offset', (_, bytes, message) => {
    expect(() => decodeDebeziumRecord(null, bytes, at)).toThrow(DebeziumDecodeError);
    expect(() => decodeDebeziumRecord(null, bytes, at)).toThrow(message);
  });

  it('a Decimal column whose bytes are not base64 names the column', () => {
    const record = captured('envelope', 'sale.orders.0');
    const json = JSON.parse((record.value as Buffer).toString('utf8')) as { payload: { after: Record<string, unknown> } };
    json.payload.after['amount'] = '***';
    expect(() => decodeDebeziumRecord(record.key, Buffer.from(JSON.stringify(json)), at)).toThrow(/sale\.orders after: column amount: bytes are not base64/);
  });

  it('an END whose per-table counts do not add up', () => {
    const bad = value({ status: 'END', id: '0-1-5', event_count: 3, data_collections: [{ data_collection: 'sale.orders', event_count: 1 }], ts_ms: 1 });
    expect(() => decodeDebeziumTransaction(bad, at)).toThrow(/event_count 3 is not the sum of its tables' counts \(1\)/);
  });

  it('without a GTID orders by binlog file number and position', () => {
    const decoded = decodeDebeziumRecord(null, value({ op: 'c', source: { ...source, file: 'mysql-bin.000007', pos: 4242 }, after: { a: 1 } }), at);
    if (decoded.kind !== 'change') throw new Error('not a change');
    expect(decoded.event.source.gtidSequence).toBe((7n << 32n) + 4242n);
    expect(decoded.event.source.gtid).toBe('');
  });
});
