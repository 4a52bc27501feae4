import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';
import { decodeEntries } from '../../../src/cdc/dts/dts-decode.js';
import { DtsNormalizeError } from '../../../src/cdc/dts/dts-errors.js';
import type { DtsData, DtsEntry, DtsHeader } from '../../../src/cdc/dts/dts-model.js';
import { normalizeTransaction } from '../../../src/cdc/dts/normalize-transaction.js';
import { FIXTURE_GTID, fixture } from './fixtures.js';

const at = { topic: 'dts.sale', partition: 2, offset: '880' };

describe('normalizeTransaction on the golden INSERT fixture', () => {
  it('yields one insert of sale.orders with every column mapped by its DataType and the source filled', () => {
    const events = normalizeTransaction(decodeEntries(fixture('insert-transaction.entries.bin')), at);
    const after = {
      order_id: 9000000000000000001n,
      user_id: 10001n,
      sku_id: 501n,
      amount: '199.00',
      status: 'CREATED',
      version: 1,
      remark: Buffer.from('{"note":"gift"}'),
      created_at: '2024-06-10 06:13:20 +00:00',
    };
    const expected: ChangeEvent = {
      schema: 'sale',
      table: 'orders',
      op: 'insert',
      before: undefined,
      after,
      row: after,
      keyColumns: ['order_id'],
      source: {
        serverId: '4294967295',
        gtid: FIXTURE_GTID,
        gtidSequence: 42n,
        fileName: 'mysql-bin.000003',
        position: 1200n,
        rowIndex: 0,
        timestamp: 1718000000000,
        transactionId: 'tx-42',
        indexInTransaction: 0,
        partition: 2,
        offset: '880',
      },
    };
    expect(events).toEqual([expected]);
  });

  it('keeps only the projected columns of a named table, always with its key columns', () => {
    const entries = decodeEntries(fixture('insert-transaction.entries.bin'));
    const [byTable] = normalizeTransaction(entries, at, { columns: { orders: ['status', 'amount'] } });
    expect(byTable?.after).toEqual({ order_id: 9000000000000000001n, amount: '199.00', status: 'CREATED' });
    expect(byTable?.row).toBe(byTable?.after);
    const [byQualifiedName] = normalizeTransaction(entries, at, { columns: { 'sale.orders': ['remark'] } });
    expect(Object.keys(byQualifiedName?.after ?? {})).toEqual(['order_id', 'remark']);
    const [otherTable] = normalizeTransaction(entries, at, { columns: { payments: ['amount'] } });
    expect(Object.keys(otherTable?.after ?? {})).toHaveLength(8);
  });

  it('parses the json column when parseJson is set', () => {
    const [event] = normalizeTransaction(decodeEntries(fixture('insert-transaction.entries.bin')), at, { parseJson: true });
    expect(event?.after?.['remark']).toEqual({ note: 'gift' });
  });
});

describe('normalizeTransaction on the golden charset fixture', () => {
  it('decodes gbk and latin1 text, keeps NIL as null and leaves NA columns out', () => {
    const [event, ...rest] = normalizeTransaction(decodeEntries(fixture('charsets.entries.bin')), at);
    expect(rest).toEqual([]);
    expect(event?.op).toBe('update');
    expect(event?.before).toEqual({ id: 7, name: '张三', city: 'Café', note: null });
    expect(event?.after).toEqual({ id: 7, name: '李四', city: 'Zürich' });
    expect(event?.row).toBe(event?.after);
    expect(event?.source.transactionId).toBeUndefined();
    expect(event?.source.gtidSequence).toBe(43n);
  });
});

const GTID = 'aaaa:7';
const header = (over: Partial<DtsHeader>): DtsHeader => ({
  version: 1,
  sourceType: 0,
  messageType: 2,
  timestamp: 100,
  serverId: '5',
  fileName: 'bin.000001',
  position: 0n,
  gtid: GTID,
  schemaName: 'sale',
  tableName: 't',
  seqId: 0n,
  eventIndex: 0n,
  isLast: false,
  properties: [],
  ...over,
});
const int = (v: string): DtsData => ({ dataType: 3, charset: '', sv: v, bv: Buffer.alloc(0) });
const beginEntry: DtsEntry = { header: header({ messageType: 0 }), event: { kind: 'begin', transactionId: 'T', threadId: 1n, properties: [] } };
const commitEntry: DtsEntry = { header: header({ messageType: 1 }), event: { kind: 'commit', transactionId: 'T', properties: [] } };
const dmlEntry = (dmlType: 0 | 1 | 2, position: bigint, rows: { old: DtsData[]; new: DtsData[] }[], over: Partial<DtsHeader> = {}): DtsEntry => ({
  header: header({ position, ...over }),
  event: {
    kind: 'dml',
    dmlType,
    columns: [
      { name: 'id', originalType: 'int', isKey: true },
      { name: 'v', originalType: 'int', isKey: false },
    ],
    rows: rows.map((r) => ({ oldColumns: r.old, newColumns: r.new })),
    properties: [],
  },
});

describe('normalizeTransaction over several DML events', () => {
  it('keeps binlog order, counts rowIndex per DML event and indexInTransaction across the transaction', () => {
    const events = normalizeTransaction(
      [
        beginEntry,
        dmlEntry(0, 10n, [
          { old: [], new: [int('1'), int('10')] },
          { old: [], new: [int('2'), int('20')] },
        ]),
        { header: header({ messageType: 5, gtid: 'aaaa:6' }), event: { kind: 'heartbeat', epoch: 1n, properties: [] } },
        dmlEntry(1, 20n, [{ old: [int('1'), int('10')], new: [int('1'), int('11')] }], { tableName: 'u' }),
        dmlEntry(2, 30n, [{ old: [int('2'), int('20')], new: [] }]),
        commitEntry,
      ],
      at,
    );
    expect(events.map((e) => [e.table, e.op, e.source.position, e.source.rowIndex, e.source.indexInTransaction])).toEqual([
      ['t', 'insert', 10n, 0, 0],
      ['t', 'insert', 10n, 1, 1],
      ['u', 'update', 20n, 0, 2],
      ['t', 'delete', 30n, 0, 3],
    ]);
    expect(events[2]?.before).toEqual({ id: 1, v: 10 });
    expect(events[2]?.after).toEqual({ id: 1, v: 11 });
    expect(events[3]?.before).toEqual({ id: 2, v: 20 });
    expect(events[3]?.after).toBeUndefined();
    expect(events[3]?.row).toEqual({ id: 2, v: 20 });
    expect(events[0]?.source.timestamp).toBe(100_000);
  });

  it('rejects a transaction without BEGIN first or COMMIT last, or with a ROLLBACK inside', () => {
    const dml = dmlEntry(0, 10n, [{ old: [], new: [int('1'), int('10')] }]);
    const rollback: DtsEntry = { header: header({ messageType: 4 }), event: { kind: 'rollback', properties: [] } };
    expect(() => normalizeTransaction([dml, commitEntry], at)).toThrowError(/dts\.sale\/2@880: does not start with BEGIN/);
    expect(() => normalizeTransaction([beginEntry, dml], at)).toThrowError(/does not end with COMMIT/);
    expect(() => normalizeTransaction([beginEntry, rollback, commitEntry], at)).toThrowError(/unexpected ROLLBACK/);
    expect(() => normalizeTransaction([], at)).toThrowError(DtsNormalizeError);
  });

  it('rejects a DML entry from another GTID and a GTID without a numeric sequence', () => {
    const other = dmlEntry(0, 10n, [{ old: [], new: [int('1'), int('10')] }], { gtid: 'aaaa:8' });
    expect(() => normalizeTransaction([beginEntry, other, commitEntry], at)).toThrowError(/DML gtid aaaa:8 differs/);
    const bad = (e: DtsEntry): DtsEntry => ({ ...e, header: { ...e.header, gtid: 'nogtid' } });
    const noSeq = dmlEntry(0, 10n, [{ old: [], new: [int('1'), int('10')] }], { gtid: 'nogtid' });
    expect(() => normalizeTransaction([bad(beginEntry), noSeq, bad(commitEntry)], at)).toThrowError(/has no numeric sequence/);
  });

  it('rejects a row image whose length differs from the column list, naming table and row', () => {
    const short = dmlEntry(0, 10n, [{ old: [], new: [int('1')] }]);
    expect(() => normalizeTransaction([beginEntry, short, commitEntry], at)).toThrowError(
      /entry 1 \(sale\.t\), row 0, after image: has 1 values for 2 columns/,
    );
  });

  it('names the column when a value cannot be mapped', () => {
    const badValue = dmlEntry(0, 10n, [{ old: [], new: [int('1'), int('x')] }]);
    expect(() => normalizeTransaction([beginEntry, badValue, commitEntry], at)).toThrowError(
      /dts\.sale\/2@880, entry 1 \(sale\.t\), row 0, after image, column "v": INT32 value "x"/,
    );
  });

  it('stores a column named __proto__ as a field and leaves the row prototype alone', () => {
    const entry: DtsEntry = {
      header: header({ position: 1n }),
      event: { kind: 'dml', dmlType: 0, columns: [{ name: '__proto__', originalType: 'int', isKey: true }], rows: [{ oldColumns: [], newColumns: [int('3')] }], properties: [] },
    };
    const [event] = normalizeTransaction([beginEntry, entry, commitEntry], at);
    expect(Object.getPrototypeOf(event?.after)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(event?.after, '__proto__')?.value).toBe(3);
  });
});
