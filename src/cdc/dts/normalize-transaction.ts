import type { ChangeEvent, ChangeOperation, ColumnValue, Row } from '../change-event.js';
import { describeCoordinates, type RecordCoordinates } from '../../common/errors.js';
import { gtidSequenceOf } from '../source-position.js';
import { decodeColumnValue, type ColumnValueOptions } from './column-value.js';
import { DtsNormalizeError } from './dts-errors.js';
import { DtsDmlType, type DtsData, type DtsDmlEvent, type DtsEntry, type DtsHeader } from './dts-model.js';

/**
 * Columns to keep per table (`table` or `schema.table`); a table not named keeps every column. Key
 * columns are always kept. Columns left out are never decoded, so a big JSON/BLOB column a topology
 * does not read costs nothing after the Kafka message (docs/cdc.md, "Column projection").
 */
export type ColumnProjection = Readonly<Record<string, readonly string[]>>;

export interface NormalizeOptions extends ColumnValueOptions {
  readonly columns?: ColumnProjection;
}

const OPERATION_OF_DML_TYPE: Readonly<Record<DtsDmlType, ChangeOperation>> = {
  [DtsDmlType.INSERT]: 'insert',
  [DtsDmlType.UPDATE]: 'update',
  [DtsDmlType.DELETE]: 'delete',
};

/**
 * Turns the entries of ONE committed transaction — BEGIN, DML entries, COMMIT, as grouped by the
 * caller — into its row changes in binlog order. `at` is the Kafka message that carried the
 * transaction (its first piece); every event's `source.partition`/`offset` is taken from it.
 *
 * Per row: schema/table, serverId, gtid, fileName, position and timestamp come from the DML entry's
 * header; `rowIndex` counts rows within the DML event and `indexInTransaction` across the
 * transaction. Heartbeat, checkpoint and DDL entries between BEGIN and COMMIT carry no rows and are
 * skipped. Errors ({@link DtsNormalizeError}): no BEGIN first or COMMIT last, a BEGIN/COMMIT/ROLLBACK
 * in between, a DML entry whose GTID differs from the BEGIN's or has no numeric sequence, a row image
 * whose length differs from the column list, or a value that cannot be mapped (column-value.ts).
 */
export function normalizeTransaction(
  entries: readonly DtsEntry[],
  at: RecordCoordinates,
  options: NormalizeOptions = {},
): ChangeEvent[] {
  const txWhere = `DTS transaction at ${describeCoordinates(at)}`;
  const begin = entries[0];
  const commit = entries[entries.length - 1];
  if (begin === undefined || begin.event.kind !== 'begin') {
    throw new DtsNormalizeError(`${txWhere}: does not start with BEGIN`);
  }
  if (entries.length < 2 || commit === undefined || commit.event.kind !== 'commit') {
    throw new DtsNormalizeError(`${txWhere} (gtid ${begin.header.gtid}): does not end with COMMIT`);
  }
  const transactionId = begin.event.transactionId === '' ? undefined : begin.event.transactionId;
  const events: ChangeEvent[] = [];
  for (let i = 1; i < entries.length - 1; i++) {
    const entry = entries[i] as DtsEntry;
    const { event, header } = entry;
    switch (event.kind) {
      case 'dml':
        if (header.gtid !== begin.header.gtid) {
          throw new DtsNormalizeError(
            `${txWhere}, entry ${i}: DML gtid ${header.gtid} differs from its BEGIN's ${begin.header.gtid}`,
          );
        }
        appendRows(events, header, event, { at, entry: i, transactionId, txWhere }, options);
        break;
      case 'heartbeat':
      case 'checkpoint':
      case 'ddl':
        break;
      default:
        throw new DtsNormalizeError(`${txWhere}, entry ${i}: unexpected ${event.kind.toUpperCase()} inside the transaction`);
    }
  }
  return events;
}

interface TransactionContext {
  readonly at: RecordCoordinates;
  readonly entry: number;
  readonly transactionId: string | undefined;
  readonly txWhere: string;
}

function appendRows(
  out: ChangeEvent[],
  header: DtsHeader,
  dml: DtsDmlEvent,
  tx: TransactionContext,
  options: NormalizeOptions,
): void {
  // Messages are built only when something fails: this is the per-row hot path.
  const entryWhere = (): string => `${tx.txWhere}, entry ${tx.entry} (${header.schemaName}.${header.tableName})`;
  const gtidSequence = gtidSequenceOf(header.gtid);
  if (gtidSequence === undefined) {
    throw new DtsNormalizeError(`${entryWhere()}: gtid ${JSON.stringify(header.gtid)} has no numeric sequence`);
  }
  const op = OPERATION_OF_DML_TYPE[dml.dmlType];
  const keyColumns: readonly string[] = Object.freeze(dml.columns.filter((c) => c.isKey).map((c) => c.name));
  const kept = keptColumns(options.columns, header, dml);
  const timestamp = header.timestamp * 1000;
  for (let rowIndex = 0; rowIndex < dml.rows.length; rowIndex++) {
    const change = dml.rows[rowIndex];
    if (change === undefined) continue;
    const imageWhere = (image: string) => (): string => `${entryWhere()}, row ${rowIndex}, ${image} image`;
    const before = op === 'insert' ? undefined : toRow(change.oldColumns, dml, kept, options, imageWhere('before'));
    const after = op === 'delete' ? undefined : toRow(change.newColumns, dml, kept, options, imageWhere('after'));
    out.push({
      schema: header.schemaName,
      table: header.tableName,
      op,
      before,
      after,
      row: (after ?? before) as Row,
      keyColumns,
      source: {
        serverId: header.serverId,
        gtid: header.gtid,
        gtidSequence,
        fileName: header.fileName,
        position: header.position,
        rowIndex,
        timestamp,
        transactionId: tx.transactionId,
        indexInTransaction: out.length,
        partition: tx.at.partition,
        offset: tx.at.offset,
      },
    });
  }
}

/** Per column of the DML event: whether the projection keeps it; undefined when every column is kept. */
function keptColumns(projection: ColumnProjection | undefined, header: DtsHeader, dml: DtsDmlEvent): boolean[] | undefined {
  if (projection === undefined) return undefined;
  const wanted = projection[`${header.schemaName}.${header.tableName}`] ?? projection[header.tableName];
  if (wanted === undefined) return undefined;
  return dml.columns.map((c) => c.isKey || wanted.includes(c.name));
}

function toRow(image: readonly DtsData[], dml: DtsDmlEvent, kept: readonly boolean[] | undefined, options: NormalizeOptions, where: () => string): Row {
  if (image.length !== dml.columns.length) {
    throw new DtsNormalizeError(`${where()}: has ${image.length} values for ${dml.columns.length} columns`);
  }
  const row: Record<string, ColumnValue> = {};
  for (let c = 0; c < image.length; c++) {
    const column = dml.columns[c];
    const data = image[c];
    if (column === undefined || data === undefined) continue;
    if (kept !== undefined && kept[c] !== true) continue;
    const value = decodeColumnValue(data, column, options, () => `${where()}, column ${JSON.stringify(column.name)}`);
    if (value === undefined) continue;
    // A column literally named __proto__ must become a field, not replace the row's prototype.
    if (column.name === '__proto__') {
      Object.defineProperty(row, column.name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      row[column.name] = value;
    }
  }
  return row;
}
