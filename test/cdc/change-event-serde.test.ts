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

const roundTrip = (e: ChangeEvent): ChangeEvent => changeEventSerde.deserialize(changeEventSerde.serialize(e, ctx), ctx);

describe('changeEventSerde', () => {
  it('round-trips bigints at the 64-bit limits, Buffers, nested JSON, -0 and Infinity exactly', () => {
    const back = roundTrip(event);
    expect(back).toEqual(event);
    expect(Object.is(back.after?.['negativeZero'], -0)).toBe(true);
    expect(back.after?.['text']).toBe('["n","1"]');
    expect(back.row).toBe(back.after);
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
    const good = changeEventSerde.serialize(event, ctx).toString('utf8', 1);
    const bad = Buffer.concat([Buffer.from([1]), Buffer.from(good.replace('["n","18446744073709551615"]', '["n","12x"]'))]);
    expect(() => changeEventSerde.deserialize(bad, ctx)).toThrowError(ChangeEventSerdeError);
  });
});
