import { describe, expect, it } from 'vitest';
import { decodeEntries, decodeEnvelope } from '../../../src/cdc/dts/dts-decode.js';
import { encodeEntries, encodeEnvelope } from '../../../src/cdc/dts/dts-encode.js';
import { DtsDecodeError } from '../../../src/cdc/dts/dts-errors.js';
import type { DtsEntry, DtsHeader } from '../../../src/cdc/dts/dts-model.js';
import { FIXTURE_GTID, fixture } from './fixtures.js';

const at = { topic: 'dts.sale', partition: 3, offset: '1234' };

const baseHeader: DtsHeader = {
  version: 1,
  sourceType: 0,
  messageType: 5,
  timestamp: 1718000000,
  serverId: '1001',
  fileName: 'mysql-bin.000001',
  position: 4n,
  gtid: 'u:1',
  schemaName: '',
  tableName: '',
  seqId: 0n,
  eventIndex: 0n,
  isLast: false,
  properties: [],
};

describe('decodeEntries on golden fixtures', () => {
  it('decodes the BEGIN + INSERT sale.orders + COMMIT fixture field by field', () => {
    const entries = decodeEntries(fixture('insert-transaction.entries.bin'), at);
    expect(entries).toHaveLength(3);
    const [begin, dml, commit] = entries;
    expect(begin).toEqual({
      header: {
        version: 1,
        sourceType: 0,
        messageType: 0,
        timestamp: 1718000000,
        serverId: '4294967295',
        fileName: 'mysql-bin.000003',
        position: 1100n,
        gtid: FIXTURE_GTID,
        schemaName: '',
        tableName: '',
        seqId: 9007199254740993n,
        eventIndex: 0n,
        isLast: false,
        properties: [],
      },
      event: { kind: 'begin', transactionId: 'tx-42', threadId: 77n, properties: [] },
    });
    expect(dml?.header).toMatchObject({ messageType: 2, position: 1200n, schemaName: 'sale', tableName: 'orders', eventIndex: 1n });
    expect(dml?.event.kind).toBe('dml');
    if (dml?.event.kind !== 'dml') return;
    expect(dml.event.dmlType).toBe(0);
    expect(dml.event.columns.map((c) => [c.name, c.isKey])).toEqual([
      ['order_id', true],
      ['user_id', false],
      ['sku_id', false],
      ['amount', false],
      ['status', false],
      ['version', false],
      ['remark', false],
      ['created_at', false],
    ]);
    expect(dml.event.columns[6]?.originalType).toBe('json');
    expect(dml.event.rows).toHaveLength(1);
    const row = dml.event.rows[0];
    expect(row?.oldColumns).toEqual([]);
    expect(row?.newColumns[0]).toEqual({ dataType: 4, charset: '', sv: '9000000000000000001', bv: Buffer.alloc(0) });
    expect(row?.newColumns[3]).toEqual({ dataType: 12, charset: '', sv: '199.00', bv: Buffer.alloc(0) });
    expect(row?.newColumns[4]).toEqual({ dataType: 13, charset: 'utf8mb4', sv: '', bv: Buffer.from('CREATED') });
    expect(row?.newColumns[6]).toEqual({ dataType: 11, charset: '', sv: '', bv: Buffer.from('{"note":"gift"}') });
    expect(commit?.header).toMatchObject({ messageType: 1, position: 1500n, isLast: true });
    expect(commit?.event).toEqual({ kind: 'commit', transactionId: 'tx-42', properties: [] });
  });

  it('decodes the heartbeat fixture with its shard, GTID, clock and epoch', () => {
    const entries = decodeEntries(fixture('heartbeat.entries.bin'), at);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.header).toMatchObject({ messageType: 5, serverId: '4294967295', gtid: FIXTURE_GTID, timestamp: 1718000100 });
    expect(entries[0]?.event).toEqual({ kind: 'heartbeat', epoch: 1718000100n, properties: [] });
  });
});

describe('decodeEnvelope on golden fixtures', () => {
  it('decodes three pieces whose data, concatenated in index order, is the fixture Entries', () => {
    const pieces = [0, 1, 2].map((i) => decodeEnvelope(fixture(`insert-transaction.piece-${i}.envelope.bin`), at));
    expect(pieces.map((p) => [p.version, p.total, p.index])).toEqual([
      [1, 3, 0],
      [1, 3, 1],
      [1, 3, 2],
    ]);
    expect(pieces[1]?.properties).toEqual([{ key: 'producer', value: 'fixture' }]);
    const joined = Buffer.concat(pieces.map((p) => p.data));
    expect(joined.equals(fixture('insert-transaction.entries.bin'))).toBe(true);
  });
});

describe('decode errors', () => {
  const entry = (over: Partial<DtsHeader>, event: DtsEntry['event']): DtsEntry => ({ header: { ...baseHeader, ...over }, event });

  it('rejects an entry whose messageType disagrees with its event field, naming the coordinates', () => {
    const bytes = encodeEntries([entry({ messageType: 2 }, { kind: 'heartbeat', epoch: 1n, properties: [] })]);
    expect(() => decodeEntries(bytes, at)).toThrowError(DtsDecodeError);
    expect(() => decodeEntries(bytes, at)).toThrowError(/dts\.sale\/3@1234, item 0: header messageType 2 disagrees with its heartbeat event/);
  });

  it('rejects an entry with no event, and one with no header', () => {
    // Entries { items: [ Entry { header: Header {} } ] }: 0a 02 0a 00
    expect(() => decodeEntries(Buffer.from([0x0a, 0x02, 0x0a, 0x00]), at)).toThrowError(/item 0: entry has no event/);
    // Entries { items: [ Entry { event: Event { rollbackEvent {} } } ] }: 0a 04 12 02 2a 00
    expect(() => decodeEntries(Buffer.from([0x0a, 0x04, 0x12, 0x02, 0x2a, 0x00]), at)).toThrowError(/item 0: entry has no header/);
  });

  it('rejects an event with no event field set and one with two set', () => {
    // Entry { header {}, event {} }
    expect(() => decodeEntries(Buffer.from([0x0a, 0x04, 0x0a, 0x00, 0x12, 0x00]), at)).toThrowError(/no event field set/);
    // Entry { header {}, event { commitEvent {}, rollbackEvent {} } }
    expect(() => decodeEntries(Buffer.from([0x0a, 0x08, 0x0a, 0x00, 0x12, 0x04, 0x1a, 0x00, 0x2a, 0x00]), at)).toThrowError(
      /2 event fields set/,
    );
  });

  it('rejects an unknown DML type', () => {
    // Entry { header { messageType: DML }, event { dmlEvent { dmlEventType: 7 } } }
    const bytes = Buffer.from([0x0a, 0x0a, 0x0a, 0x02, 0x18, 0x02, 0x12, 0x04, 0x12, 0x02, 0x08, 0x07]);
    expect(() => decodeEntries(bytes, at)).toThrowError(/unknown dmlEventType 7/);
  });

  it('wraps protobufjs failures on truncated bytes in DtsDecodeError, keeping the cause', () => {
    const good = fixture('insert-transaction.entries.bin');
    let caught: unknown;
    try {
      decodeEntries(good.subarray(0, good.length - 7), at);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DtsDecodeError);
    expect((caught as DtsDecodeError).code).toBe('DTS_DECODE');
    expect((caught as DtsDecodeError).message).toMatch(/^not a DTS Entries at dts\.sale\/3@1234: /);
    expect((caught as DtsDecodeError).cause).toBeInstanceOf(Error);
  });

  it('rejects an envelope whose index is not below total, or whose total is 0', () => {
    const data = Buffer.from([1, 2, 3]);
    const envelope = { version: 1, total: 2, index: 2, data, properties: [] };
    expect(() => decodeEnvelope(encodeEnvelope(envelope), at)).toThrowError(/index 2 is not below total 2/);
    expect(() => decodeEnvelope(encodeEnvelope({ ...envelope, total: 0, index: 0 }), at)).toThrowError(/total is 0/);
  });
});
