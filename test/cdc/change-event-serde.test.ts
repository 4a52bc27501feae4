import { describe, expect, it } from 'vitest';
import type { ChangeEvent, Row } from '../../src/cdc/change-event.js';
import { ChangeEventSerdeError, changeEventSerde } from '../../src/cdc/change-event-serde.js';

const ctx = { topic: 'app-resequence-repartition', partition: 4, offset: '77' };

const after: Row = {
  order_id: 18446744073709551615n,
  signed: -9223372036854775808n,
  amount: '199.00',
  status: 'PAID',
  version: 2,
  ratio: 0.1,
  nothing: null,
  blob: Buffer.from([0, 255, 128]),
  remark: { note: 'gift', tags: ['a', { deep: [1, null, true] }] },
  list: [{ n: 1 }],
  flag: true,
  negativeZero: -0,
  infinite: Number.POSITIVE_INFINITY,
  text: '["n","1"]',
};
const event: ChangeEvent = {
  schema: 'sale',
  table: 'orders',
  op: 'update',
  before: { order_id: 18446744073709551615n, status: 'CREATED' },
  after,
  row: after,
  keyColumns: ['order_id'],
  source: {
    serverId: '-9223372036854775808',
    gtid: 'uuid:18446744073709551615',
    gtidSequence: 18446744073709551615n,
    fileName: 'mysql-bin.000003',
    position: 18446744073709551615n,
    rowIndex: 3,
    timestamp: 1718000000000,
    transactionId: 'tx-1',
    indexInTransaction: 9,
    partition: 2,
    offset: '9007199254740993',
  },
};

/** A format-1 event (JSON with base64 Buffers), as earlier versions wrote it to repartition topics and stores. */
const FORMAT_1_JSON = JSON.stringify([
  'sale', 'orders', 0, null, ['id', ['n', '42'], 'blob', ['x', 'AP+A']], 'a', ['id'],
  '1', 'u:7', '7', 'mysql-bin.000001', '4', 0, 1718000000000, null, 0, 0, '5',
]);

const roundTrip = (e: ChangeEvent): ChangeEvent => changeEventSerde.deserialize(changeEventSerde.serialize(e, ctx), ctx);

describe('changeEventSerde', () => {
  it('round-trips bigints at the 64-bit limits, Buffers, nested JSON, -0 and Infinity exactly', () => {
    const back = roundTrip(event);
    expect(back).toEqual(event);
    expect(Object.is(back.after?.['negativeZero'], -0)).toBe(true);
    expect(back.after?.['text']).toBe('["n","1"]');
    expect(back.row).toBe(back.after);
  });

  it('writes an event it read as the very bytes it was read from, without encoding it again', () => {
    const bytes = changeEventSerde.serialize(event, ctx);
    const read = changeEventSerde.deserialize(bytes, ctx);
    expect(changeEventSerde.serialize(read, ctx)).toBe(bytes);
    // A new event built from it (the fields of a read one, changed) is encoded from its fields.
    const changed: ChangeEvent = { ...read, table: 'payments' };
    expect(changeEventSerde.deserialize(changeEventSerde.serialize(changed, ctx), ctx).table).toBe('payments');
  });

  it('keeps row as the before image for a delete, and an absent transaction id absent', () => {
    const before: Row = { order_id: 1n };
    const deleted: ChangeEvent = { ...event, op: 'delete', before, after: undefined, row: before, source: { ...event.source, transactionId: undefined } };
    const back = roundTrip(deleted);
    expect(back).toEqual(deleted);
    expect(back.row).toBe(back.before);
    expect(back.after).toBeUndefined();
    expect(back.source.transactionId).toBeUndefined();
  });

  it('keeps a row that is neither image, and a column named __proto__ as a plain field', () => {
    const row: Row = Object.defineProperty({ a: 1 }, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    const back = roundTrip({ ...event, row });
    expect(Object.getPrototypeOf(back.row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.row, '__proto__')?.value).toBe('x');
    expect(back.row['a']).toBe(1);
  });

  it('rejects bytes it did not write with a ChangeEventSerdeError naming the record', () => {
    expect(() => changeEventSerde.deserialize(Buffer.from('{}'), ctx)).toThrowError(ChangeEventSerdeError);
    expect(() => changeEventSerde.deserialize(Buffer.from([1, 0x7b]), ctx)).toThrowError(
      /change event at app-resequence-repartition\/4@77: body is not JSON/,
    );
    expect(() => changeEventSerde.deserialize(Buffer.concat([Buffer.from([1]), Buffer.from('[1,2]')]), ctx)).toThrowError(
      /expected an array of 18 fields/,
    );
    expect(() => changeEventSerde.deserialize(Buffer.alloc(0), ctx)).toThrowError(/unknown format byte/);
  });

  it('rejects a malformed tagged value', () => {
    const bad = Buffer.concat([Buffer.from([1]), Buffer.from(FORMAT_1_JSON.replace('["n","42"]', '["n","12x"]'))]);
    expect(() => changeEventSerde.deserialize(bad, ctx)).toThrowError(ChangeEventSerdeError);
  });

  it('carries Buffer columns as raw bytes, not as base64 text', () => {
    const blob = Buffer.alloc(100_000, 7);
    const image: Row = { id: 1, blob };
    const insert: ChangeEvent = { ...event, op: 'insert', before: undefined, after: image, row: image };
    expect(changeEventSerde.serialize(insert, ctx).length).toBeLessThan(blob.length + 1024);
    expect((roundTrip(insert).after?.['blob'] as Buffer).equals(blob)).toBe(true);
  });

  it('still reads the first format, where Buffers were base64 inside the JSON', () => {
    const back = changeEventSerde.deserialize(Buffer.concat([Buffer.from([1]), Buffer.from(FORMAT_1_JSON)]), ctx);
    expect(back.after).toEqual({ id: 42n, blob: Buffer.from([0, 255, 128]) });
    expect(back.source.gtidSequence).toBe(7n);
  });

  it('rejects truncated bytes of the current format', () => {
    const bytes = changeEventSerde.serialize(event, ctx);
    expect(() => changeEventSerde.deserialize(bytes.subarray(0, bytes.length - 2), ctx)).toThrowError(/truncated/);
  });
});
