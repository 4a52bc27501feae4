import { describeCoordinates, type RecordCoordinates } from '../../common/errors.js';
import { CanalDecodeError } from './canal-errors.js';
import type { ChangeEvent, ChangeOperation, ColumnValue, JsonValue, Row } from '../change-event.js';
import { describeJson, isJsonObject, parseExactJson, type ExactJson, type ExactJsonObject } from '../exact-json.js';

export interface CanalOptions {
  /** Parse `json` columns into JSON values (default: keep the text). */
  readonly parseJson?: boolean;
}

/** One Canal flat message, decoded: the row changes of one binlog rows event, or a DDL. */
export type CanalMessage =
  | { readonly kind: 'dml'; readonly events: readonly ChangeEvent[] }
  | { readonly kind: 'ddl'; readonly schema: string; readonly table: string; readonly type: string; readonly sql: string; readonly timestamp: number };

const DML: Readonly<Record<string, ChangeOperation>> = { INSERT: 'insert', UPDATE: 'update', DELETE: 'delete' };

type ColumnKind = 'integer' | 'float' | 'decimal' | 'bytes' | 'json' | 'string';

/**
 * A Canal flat message (`canal.mq.flatMessage=true`; Canal's documented FlatMessage: id, database,
 * table, pkNames, isDdl, type, es, ts, sql, sqlType, mysqlType, data, old) as ChangeEvents, one per
 * row of `data`. Canal writes every value as text; the column's `mysqlType` (else its `sqlType`, a
 * java.sql.Types number) picks the ChangeEvent type a DTS column of that MySQL type gets: integers →
 * number (bigint for BIGINT or beyond 2^53), DECIMAL → the exact decimal string, binary types →
 * Buffer (Canal sends their bytes as ISO-8859-1 text), JSON → text or parsed, the rest (times
 * included: Canal writes DATETIME and TIMESTAMP alike, zone-less) → string. `old` holds only the
 * changed columns of an UPDATE; `before` is the row with those put back.
 *
 * A flat message carries no binlog position, so its position is its Kafka one: the shard is the
 * input partition (`serverId` `<topic>#<partition>`), `gtidSequence` and `position` its offset,
 * `rowIndex` the row's index in `data`; `timestamp` is `es` (epoch ms; seconds when below 10^11, as
 * some Canal-compatible producers write it). Throws CanalDecodeError naming the coordinates.
 */
export function decodeCanalMessage(value: Uint8Array | null, at: RecordCoordinates, options: CanalOptions = {}): CanalMessage {
  const where = describeCoordinates(at);
  if (value === null || value.length === 0) throw new CanalDecodeError(`${where}: record has no value`);
  const json = parseExactJson(value, (reason, cause) => new CanalDecodeError(`${where}: not JSON: ${reason}`, cause));
  if (!isJsonObject(json)) throw new CanalDecodeError(`${where}: flat message is ${describeJson(json)}, not an object`);
  const type = requireString(json, 'type', where);
  const schema = requireString(json, 'database', where);
  const table = optionalString(json, 'table', where) ?? '';
  const timestamp = eventTime(json['es'], where);
  if (json['isDdl'] === true) return { kind: 'ddl', schema, table, type, sql: optionalString(json, 'sql', where) ?? '', timestamp };
  const op = DML[type];
  if (op === undefined) throw new CanalDecodeError(`${where}: type '${type.slice(0, 20)}' is not INSERT, UPDATE or DELETE, and isDdl is not true`);
  if (table === '') throw new CanalDecodeError(`${where}: DML without a table`);
  const data = json['data'];
  if (!Array.isArray(data) || data.length === 0) throw new CanalDecodeError(`${where}: ${schema}.${table} ${type} has no data rows`);
  const old = json['old'];
  if (old !== undefined && old !== null && (!Array.isArray(old) || (op === 'update' && old.length !== data.length))) {
    throw new CanalDecodeError(`${where}: ${schema}.${table} ${type}: old is ${describeJson(old)}, not one entry per data row`);
  }
  const kinds = columnKinds(json, where);
  const pkNames = json['pkNames'];
  const keyColumns = Array.isArray(pkNames) ? pkNames.filter((n): n is string => typeof n === 'string') : [];
  const offset = BigInt(at.offset);
  const events = data.map((raw, i): ChangeEvent => {
    const context = `${where}: ${schema}.${table} row ${i}`;
    const image = rowOf(raw, kinds, context, options);
    let before: Row | undefined;
    let after: Row | undefined;
    if (op === 'insert') after = image;
    else if (op === 'delete') before = image;
    else {
      after = image;
      const changed = Array.isArray(old) ? old[i] : undefined;
      before = changed === undefined || changed === null ? image : { ...image, ...rowOf(changed, kinds, `${context} old`, options) };
    }
    return {
      schema,
      table,
      op,
      before,
      after,
      row: image,
      keyColumns,
      source: {
        serverId: `${at.topic}#${at.partition}`,
        gtid: optionalString(json, 'gtid', where) ?? '',
        gtidSequence: offset,
        fileName: '',
        position: offset,
        rowIndex: i,
        timestamp,
        transactionId: undefined,
        indexInTransaction: i,
        partition: at.partition,
        offset: at.offset,
      },
    };
  });
  return { kind: 'dml', events };
}

function eventTime(value: ExactJson | undefined, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new CanalDecodeError(`${where}: es is ${describeJson(value)}, not a time`);
  return value < 100_000_000_000 ? value * 1000 : value;
}

function columnKinds(json: ExactJsonObject, where: string): Map<string, ColumnKind> {
  const kinds = new Map<string, ColumnKind>();
  const mysqlType = json['mysqlType'];
  const sqlType = json['sqlType'];
  if (mysqlType !== undefined && mysqlType !== null && !isJsonObject(mysqlType)) throw new CanalDecodeError(`${where}: mysqlType is ${describeJson(mysqlType)}`);
  if (sqlType !== undefined && sqlType !== null && !isJsonObject(sqlType)) throw new CanalDecodeError(`${where}: sqlType is ${describeJson(sqlType)}`);
  if (isJsonObject(sqlType)) for (const [name, code] of Object.entries(sqlType)) if (typeof code === 'number') kinds.set(name, kindOfSqlType(code));
  if (isJsonObject(mysqlType)) for (const [name, text] of Object.entries(mysqlType)) if (typeof text === 'string') kinds.set(name, kindOfMysqlType(text) ?? kinds.get(name) ?? 'string');
  return kinds;
}

function kindOfMysqlType(text: string): ColumnKind | undefined {
  const type = text.trim().toLowerCase();
  if (/^(tinyint|smallint|mediumint|int|integer|bigint|year|bit)\b/.test(type)) return 'integer';
  if (/^(float|double|real)\b/.test(type)) return 'float';
  if (/^(decimal|numeric|dec)\b/.test(type)) return 'decimal';
  if (/^(binary|varbinary|tinyblob|blob|mediumblob|longblob)\b/.test(type)) return 'bytes';
  if (/^json\b/.test(type)) return 'json';
  if (type === '') return undefined;
  return 'string';
}

/** java.sql.Types codes. */
function kindOfSqlType(code: number): ColumnKind {
  switch (code) {
    case -7: // BIT
    case -6: // TINYINT
    case 5: // SMALLINT
    case 4: // INTEGER
    case -5: // BIGINT
      return 'integer';
    case 6: // FLOAT
    case 7: // REAL
    case 8: // DOUBLE
      return 'float';
    case 2: // NUMERIC
    case 3: // DECIMAL
      return 'decimal';
    case -2: // BINARY
    case -3: // VARBINARY
    case -4: // LONGVARBINARY
    case 2004: // BLOB
      return 'bytes';
    default:
      return 'string';
  }
}

function rowOf(raw: ExactJson, kinds: ReadonlyMap<string, ColumnKind>, where: string, options: CanalOptions): Row {
  if (!isJsonObject(raw)) throw new CanalDecodeError(`${where}: row is ${describeJson(raw)}, not an object`);
  const row: Record<string, ColumnValue> = {};
  for (const [name, value] of Object.entries(raw)) row[name] = columnOf(value, kinds.get(name) ?? 'string', `${where}: column ${name}`, options);
  return row;
}

function columnOf(value: ExactJson, kind: ColumnKind, where: string, options: CanalOptions): ColumnValue {
  if (value === null) return null;
  // Canal writes text; a producer that wrote a JSON number is taken at its word.
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
  if (text === undefined) throw new CanalDecodeError(`${where}: value is ${describeJson(value)}, not text`);
  switch (kind) {
    case 'integer': {
      if (!/^-?\d+$/.test(text)) throw new CanalDecodeError(`${where}: '${text.slice(0, 40)}' is not an integer`);
      const n = BigInt(text);
      if (n < -(1n << 63n) || n >= 1n << 64n) throw new CanalDecodeError(`${where}: ${text} is out of the 64-bit range`);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new CanalDecodeError(`${where}: '${text.slice(0, 40)}' is not a finite number`);
      return n;
    }
    case 'decimal':
      if (!/^-?\d+(?:\.\d+)?$/.test(text)) throw new CanalDecodeError(`${where}: '${text.slice(0, 40)}' is not a decimal`);
      return text;
    case 'bytes':
      for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) > 0xff) throw new CanalDecodeError(`${where}: binary value is not ISO-8859-1 text`);
      }
      return Buffer.from(text, 'latin1');
    case 'json':
      if (options.parseJson !== true) return text;
      try {
        return JSON.parse(text) as JsonValue;
      } catch (error) {
        throw new CanalDecodeError(`${where}: JSON column holds invalid JSON`, error);
      }
    case 'string':
      return text;
  }
}

function requireString(object: ExactJsonObject, name: string, where: string): string {
  const value = object[name];
  if (typeof value !== 'string') throw new CanalDecodeError(`${where}: ${name} is ${describeJson(value)}, not a string`);
  return value;
}

function optionalString(object: ExactJsonObject, name: string, where: string): string | undefined {
  const value = object[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new CanalDecodeError(`${where}: ${name} is ${describeJson(value)}, not a string`);
  return value;
}
