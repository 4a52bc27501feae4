import { DtsDataType, DtsDmlType, DtsMessageType, DtsSourceType, type DtsData, type DtsEntry, type DtsEvent, type DtsHeader } from '../index.js';
import type { BinlogHeartbeat, BinlogRowsEvent, BinlogTransaction } from './model/binlog.js';
import {
  ORDERS_COLUMNS,
  PAYMENTS_COLUMNS,
  SALE_SCHEMA,
  formatTimestamp,
  type ColumnKind,
  type ColumnSpec,
  type OrderRow,
  type PaymentRow,
} from './model/sale-schema.js';

const CHARSET = 'utf8mb4';
const EMPTY = Buffer.alloc(0);
const NO_PROPERTIES = Object.freeze([]);

/**
 * One binlog transaction as DTS entries: BEGIN (with the XID as transactionId), one DML entry per
 * rows event, COMMIT or ROLLBACK. All carry the GTID; each its own binlog position; `eventIndex`
 * counts entries within the transaction and `isLast` marks its end. `seqId` is given by the caller.
 */
export function transactionEntries(txn: BinlogTransaction, nextSeqId: () => bigint): DtsEntry[] {
  const header = (messageType: DtsHeader['messageType'], position: bigint, eventIndex: number, tableName: string, isLast: boolean): DtsHeader => ({
    version: 1,
    sourceType: DtsSourceType.MYSQL,
    messageType,
    timestamp: txn.timestamp,
    serverId: txn.shard.serverId,
    fileName: txn.fileName,
    position,
    gtid: txn.gtid,
    schemaName: SALE_SCHEMA,
    tableName,
    seqId: nextSeqId(),
    eventIndex: BigInt(eventIndex),
    isLast,
    properties: NO_PROPERTIES,
  });
  const entries: DtsEntry[] = [
    {
      header: header(DtsMessageType.BEGIN, txn.beginPosition, 0, '', false),
      event: { kind: 'begin', transactionId: txn.transactionId, threadId: txn.threadId, properties: NO_PROPERTIES },
    },
  ];
  txn.events.forEach((e, i) => {
    entries.push({ header: header(DtsMessageType.DML, e.position, i + 1, e.table, false), event: dmlEvent(e) });
  });
  const endIndex = txn.events.length + 1;
  entries.push(
    txn.outcome === 'commit'
      ? {
          header: header(DtsMessageType.COMMIT, txn.endPosition, endIndex, '', true),
          event: { kind: 'commit', transactionId: txn.transactionId, properties: NO_PROPERTIES },
        }
      : {
          header: header(DtsMessageType.ROLLBACK, txn.endPosition, endIndex, '', true),
          event: { kind: 'rollback', properties: NO_PROPERTIES },
        },
  );
  return entries;
}

/** A heartbeat: the shard's serverId, the GTID of its last committed transaction and its clock. */
export function heartbeatEntry(hb: BinlogHeartbeat, seqId: bigint): DtsEntry {
  return {
    header: {
      version: 1,
      sourceType: DtsSourceType.MYSQL,
      messageType: DtsMessageType.HEARTBEAT,
      timestamp: hb.timestamp,
      serverId: hb.shard.serverId,
      fileName: hb.fileName,
      position: hb.position,
      gtid: hb.lastCommittedGtid,
      schemaName: '',
      tableName: '',
      seqId,
      eventIndex: 0n,
      isLast: true,
      properties: NO_PROPERTIES,
    },
    event: { kind: 'heartbeat', epoch: BigInt(hb.timestamp), properties: NO_PROPERTIES },
  };
}

function dmlEvent(e: BinlogRowsEvent): DtsEvent {
  const dmlType = e.op === 'insert' ? DtsDmlType.INSERT : DtsDmlType.UPDATE;
  if (e.table === 'orders') return rowsEvent(dmlType, ORDERS_COLUMNS, e.rows);
  return rowsEvent(dmlType, PAYMENTS_COLUMNS, e.rows);
}

function rowsEvent<Row extends OrderRow | PaymentRow>(
  dmlType: DtsDmlType,
  columns: readonly ColumnSpec<Row>[],
  rows: readonly { before: Row | undefined; after: Row }[],
): DtsEvent {
  const image = (row: Row | undefined): DtsData[] => (row === undefined ? [] : columns.map((c) => dataOf(c.kind, row[c.name])));
  return {
    kind: 'dml',
    dmlType,
    columns: columns.map((c) => ({ name: c.name, originalType: c.originalType, isKey: c.isKey })),
    rows: rows.map((r) => ({ oldColumns: image(r.before), newColumns: image(r.after) })),
    properties: NO_PROPERTIES,
  };
}

/** A column value typed per docs/design.md section 1: numbers and decimals in sv, strings and bytes in bv. */
export function dataOf(kind: ColumnKind, value: unknown): DtsData {
  if (value === null || value === undefined) return { dataType: DtsDataType.NIL, charset: '', sv: '', bv: EMPTY };
  switch (kind) {
    case 'int64':
      return { dataType: DtsDataType.INT64, charset: '', sv: String(value), bv: EMPTY };
    case 'int32':
      return { dataType: DtsDataType.INT32, charset: '', sv: String(value), bv: EMPTY };
    case 'decimal':
      return { dataType: DtsDataType.DECIMAL, charset: '', sv: String(value), bv: EMPTY };
    case 'string':
      return { dataType: DtsDataType.STRING, charset: CHARSET, sv: '', bv: Buffer.from(String(value), 'utf8') };
    case 'json':
      return { dataType: DtsDataType.BYTES, charset: '', sv: '', bv: Buffer.from(String(value), 'utf8') };
    case 'timestamp':
      return { dataType: DtsDataType.STRING, charset: CHARSET, sv: '', bv: Buffer.from(formatTimestamp(Number(value)), 'utf8') };
  }
}
