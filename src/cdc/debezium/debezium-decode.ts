import { describeCoordinates, type RecordCoordinates } from '../../common/errors.js';
import type { ChangeEvent, ChangeOperation, ColumnValue, Row } from '../change-event.js';
import { describeJson, isJsonObject, parseExactJson, type ExactJson, type ExactJsonObject } from '../exact-json.js';
import { gtidSequenceOf } from '../source-position.js';
import { DebeziumDecodeError } from './debezium-errors.js';
import type { DebeziumHeartbeat, DebeziumRecord, DebeziumTransactionBlock, DebeziumTransactionMarker } from './debezium-model.js';
import { ColumnValueProblem, columnWithoutSchema, columnWithSchema, readConnectSchema, type ConnectSchema, type DebeziumValueOptions } from './debezium-values.js';

const OPERATIONS: Readonly<Record<string, ChangeOperation>> = { c: 'insert', r: 'insert', u: 'update', d: 'delete' };

/**
 * A record of a Debezium table topic (MySQL/MariaDB connector, JSON converter with or without the
 * schema envelope) as a ChangeEvent with its source position:
 * - `serverId` is the connector's logical name (`source.name`, its `topic.prefix`): one connector reads
 *   one binlog, and that is the ordered stream. (The row's MySQL `server_id` is not: a replica's binlog
 *   mixes the server ids of every origin, in one order.)
 * - `gtid` is the transaction's GTID (`source.gtid`, MariaDB `domain-server-seq` or MySQL `uuid:seq`),
 *   or its transaction id, or '' without either.
 * - `gtidSequence` orders transactions: the GTID's sequence when there is a GTID, else the binlog
 *   coordinates `file number × 2^32 + pos`, which grow through the binlog across file rotations.
 * - `fileName`/`position` are `source.file`/`source.pos` (the rows event), `rowIndex` is `source.row`,
 *   `timestamp` is `source.ts_ms` (the binlog event's time), `indexInTransaction` is the transaction
 *   block's `total_order - 1`, `transactionId` its `id`.
 * `keyColumns` are the fields of the record key. Throws DebeziumDecodeError naming the coordinates.
 */
export function decodeDebeziumRecord(key: Uint8Array | null, value: Uint8Array | null, at: RecordCoordinates, options: DebeziumValueOptions = {}): DebeziumRecord {
  if (value === null || value.length === 0) return { kind: 'tombstone' };
  const where = describeCoordinates(at);
  const { payload, schema } = unwrap(parse(value, at), where);
  if (!isJsonObject(payload)) throw new DebeziumDecodeError(`${where}: change event payload is ${describeJson(payload)}, not an object`);
  const op = payload['op'];
  if (typeof op !== 'string') throw new DebeziumDecodeError(`${where}: change event has no op (${describeJson(op)})`);
  const source = payload['source'];
  if (!isJsonObject(source)) throw new DebeziumDecodeError(`${where}: change event has no source block`);
  const db = requireString(source, 'db', `${where}: source`);
  const table = requireString(source, 'table', `${where}: source`);
  const dataCollection = `${db}.${table}`;
  const transaction = transactionBlock(payload['transaction'], where);
  const operation = OPERATIONS[op];
  if (operation === undefined) {
    if (op === 't' || op === 'm') return { kind: 'other', op, dataCollection, transaction };
    throw new DebeziumDecodeError(`${where}: unknown op '${op.slice(0, 20)}'`);
  }
  const fieldSchemas = schema === undefined ? undefined : envelopeFields(schema, where);
  const row = (name: 'before' | 'after'): Row | undefined => rowOf(payload[name], fieldSchemas?.get(name), `${where}: ${dataCollection} ${name}`, options);
  const before = row('before');
  const after = row('after');
  if (operation === 'delete' ? before === undefined : after === undefined) {
    throw new DebeziumDecodeError(`${where}: ${dataCollection} op '${op}' has no ${operation === 'delete' ? 'before' : 'after'} image`);
  }
  const event: ChangeEvent = {
    schema: db,
    table,
    op: operation,
    before,
    after,
    row: (operation === 'delete' ? before : after) as Row,
    keyColumns: keyColumnsOf(key, at),
    source: sourceOf(source, transaction, at, where),
  };
  return { kind: 'change', event, dataCollection, transaction, snapshot: op === 'r' };
}

/** A record of the transaction-metadata topic: BEGIN, or END with its per-table event counts. */
export function decodeDebeziumTransaction(value: Uint8Array | null, at: RecordCoordinates): DebeziumTransactionMarker {
  const where = describeCoordinates(at);
  if (value === null || value.length === 0) throw new DebeziumDecodeError(`${where}: transaction record has no value`);
  const { payload } = unwrap(parse(value, at), where);
  if (!isJsonObject(payload)) throw new DebeziumDecodeError(`${where}: transaction payload is ${describeJson(payload)}`);
  const status = payload['status'];
  if (status !== 'BEGIN' && status !== 'END') throw new DebeziumDecodeError(`${where}: transaction status is ${describeJson(status)}, not BEGIN or END`);
  const id = requireString(payload, 'id', `${where}: transaction`);
  const timestamp = requireInteger(payload, 'ts_ms', `${where}: transaction ${id}`);
  if (status === 'BEGIN') return { status, id, eventCount: undefined, dataCollections: [], timestamp };
  const eventCount = requireInteger(payload, 'event_count', `${where}: transaction ${id}`);
  const list = payload['data_collections'];
  if (!Array.isArray(list)) throw new DebeziumDecodeError(`${where}: END of transaction ${id} has no data_collections`);
  const dataCollections = list.map((item, i) => {
    if (!isJsonObject(item)) throw new DebeziumDecodeError(`${where}: END of transaction ${id}: data_collections[${i}] is ${describeJson(item)}`);
    return {
      dataCollection: requireString(item, 'data_collection', `${where}: END of transaction ${id}: data_collections[${i}]`),
      eventCount: requireInteger(item, 'event_count', `${where}: END of transaction ${id}: data_collections[${i}]`),
    };
  });
  const sum = dataCollections.reduce((total, c) => total + c.eventCount, 0);
  if (sum !== eventCount) throw new DebeziumDecodeError(`${where}: END of transaction ${id}: event_count ${eventCount} is not the sum of its tables' counts (${sum})`);
  return { status, id, eventCount, dataCollections, timestamp };
}

/** A record of the heartbeat topic (`__debezium-heartbeat.<topic.prefix>`). */
export function decodeDebeziumHeartbeat(key: Uint8Array | null, value: Uint8Array | null, at: RecordCoordinates): DebeziumHeartbeat {
  const where = describeCoordinates(at);
  if (value === null || value.length === 0) throw new DebeziumDecodeError(`${where}: heartbeat has no value`);
  const { payload } = unwrap(parse(value, at), where);
  if (!isJsonObject(payload)) throw new DebeziumDecodeError(`${where}: heartbeat payload is ${describeJson(payload)}`);
  const timestamp = requireInteger(payload, 'ts_ms', `${where}: heartbeat`);
  let serverName: string | undefined;
  if (key !== null && key.length > 0) {
    const keyPayload = unwrap(parse(key, at), where).payload;
    if (isJsonObject(keyPayload) && typeof keyPayload['serverName'] === 'string') serverName = keyPayload['serverName'];
  }
  return { serverName, timestamp };
}

/** For `inspect`: which of the three a record is, told by its shape. */
export type DebeziumMessage =
  | { readonly kind: 'record'; readonly record: DebeziumRecord }
  | { readonly kind: 'transaction'; readonly marker: DebeziumTransactionMarker }
  | { readonly kind: 'heartbeat'; readonly heartbeat: DebeziumHeartbeat };

export function decodeDebeziumMessage(key: Uint8Array | null, value: Uint8Array | null, at: RecordCoordinates, options: DebeziumValueOptions = {}): DebeziumMessage {
  if (value === null || value.length === 0) return { kind: 'record', record: { kind: 'tombstone' } };
  const { payload } = unwrap(parse(value, at), describeCoordinates(at));
  if (isJsonObject(payload) && 'status' in payload && 'id' in payload) return { kind: 'transaction', marker: decodeDebeziumTransaction(value, at) };
  if (isJsonObject(payload) && !('op' in payload) && 'ts_ms' in payload && Object.keys(payload).length === 1) {
    return { kind: 'heartbeat', heartbeat: decodeDebeziumHeartbeat(key, value, at) };
  }
  return { kind: 'record', record: decodeDebeziumRecord(key, value, at, options) };
}

function parse(bytes: Uint8Array, at: RecordCoordinates): ExactJson {
  return parseExactJson(bytes, (reason, cause) => new DebeziumDecodeError(`${describeCoordinates(at)}: not JSON: ${reason}`, cause));
}

/** `{schema, payload}` with the envelope, the payload itself without. */
function unwrap(json: ExactJson, where: string): { payload: ExactJson | undefined; schema: ExactJsonObject | undefined } {
  if (isJsonObject(json) && 'payload' in json && 'schema' in json && Object.keys(json).length === 2) {
    const schema = json['schema'];
    if (schema !== null && !isJsonObject(schema)) throw new DebeziumDecodeError(`${where}: schema envelope's schema is ${describeJson(schema)}`);
    return { payload: json['payload'], schema: schema ?? undefined };
  }
  return { payload: json, schema: undefined };
}

function envelopeFields(schema: ExactJsonObject, where: string): Map<string, ConnectSchema> {
  try {
    const envelope = readConnectSchema(schema, 'schema');
    return new Map(envelope.fields.filter((f) => f.field !== undefined).map((f) => [f.field as string, f]));
  } catch (error) {
    if (error instanceof ColumnValueProblem) throw new DebeziumDecodeError(`${where}: ${error.message}`, error);
    throw error;
  }
}

function rowOf(value: ExactJson | undefined, schema: ConnectSchema | undefined, where: string, options: DebeziumValueOptions): Row | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw new DebeziumDecodeError(`${where}: row image is ${describeJson(value)}, not an object`);
  const row: Record<string, ColumnValue> = {};
  try {
    if (schema === undefined) {
      for (const [name, column] of Object.entries(value)) row[name] = columnWithoutSchema(column);
      return row;
    }
    if (schema.type !== 'struct') throw new ColumnValueProblem(`schema of the row image is ${schema.type}, not a struct`);
    for (const field of schema.fields) {
      const name = field.field;
      if (name === undefined) continue;
      // A column the schema names but the payload leaves out is not available: left out, as DTS's NA.
      if (!(name in value)) continue;
      row[name] = columnWithSchema(value[name], field, `column ${name}`, options);
    }
    for (const name of Object.keys(value)) {
      if (!schema.fields.some((f) => f.field === name)) throw new ColumnValueProblem(`column ${name} is not in the schema`);
    }
  } catch (error) {
    if (error instanceof ColumnValueProblem) throw new DebeziumDecodeError(`${where}: ${error.message}`, error);
    throw error;
  }
  return row;
}

function keyColumnsOf(key: Uint8Array | null, at: RecordCoordinates): string[] {
  if (key === null || key.length === 0) return [];
  const { payload } = unwrap(parse(key, at), describeCoordinates(at));
  return isJsonObject(payload) ? Object.keys(payload) : [];
}

function transactionBlock(value: ExactJson | undefined, where: string): DebeziumTransactionBlock | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw new DebeziumDecodeError(`${where}: transaction block is ${describeJson(value)}`);
  const id = requireString(value, 'id', `${where}: transaction block`);
  const totalOrder = requireInteger(value, 'total_order', `${where}: transaction ${id}`);
  const dataCollectionOrder = requireInteger(value, 'data_collection_order', `${where}: transaction ${id}`);
  if (totalOrder < 1 || dataCollectionOrder < 1) throw new DebeziumDecodeError(`${where}: transaction ${id}: orders start at 1 (total_order ${totalOrder}, data_collection_order ${dataCollectionOrder})`);
  return { id, totalOrder, dataCollectionOrder };
}

function sourceOf(source: ExactJsonObject, transaction: DebeziumTransactionBlock | undefined, at: RecordCoordinates, where: string): ChangeEvent['source'] {
  const name = requireString(source, 'name', `${where}: source`);
  const fileName = requireString(source, 'file', `${where}: source`);
  const pos = source['pos'];
  if (!(typeof pos === 'number' && Number.isSafeInteger(pos) && pos >= 0) && !(typeof pos === 'bigint' && pos >= 0n && pos < 1n << 64n)) {
    throw new DebeziumDecodeError(`${where}: source pos is ${describeJson(pos)}`);
  }
  const position = BigInt(pos);
  const row = requireInteger(source, 'row', `${where}: source`);
  if (row < 0 || row > 0xffffffff) throw new DebeziumDecodeError(`${where}: source row ${row} is out of range`);
  const timestamp = requireInteger(source, 'ts_ms', `${where}: source`);
  const gtidValue = source['gtid'];
  if (gtidValue !== undefined && gtidValue !== null && typeof gtidValue !== 'string') throw new DebeziumDecodeError(`${where}: source gtid is ${describeJson(gtidValue)}`);
  const gtid = typeof gtidValue === 'string' && gtidValue !== '' ? gtidValue : undefined;
  let gtidSequence: bigint | undefined;
  if (gtid !== undefined) {
    gtidSequence = mariadbGtidSequence(gtid) ?? gtidSequenceOf(gtid);
    if (gtidSequence === undefined) throw new DebeziumDecodeError(`${where}: GTID '${gtid.slice(0, 60)}' has no sequence number`);
  } else {
    const fileNumber = /\.(\d{1,9})$/.exec(fileName)?.[1];
    if (fileNumber === undefined) throw new DebeziumDecodeError(`${where}: no GTID, and binlog file '${fileName.slice(0, 60)}' has no number to order by`);
    if (position >= 1n << 32n) throw new DebeziumDecodeError(`${where}: no GTID, and binlog pos ${position} does not fit 32 bits`);
    gtidSequence = (BigInt(fileNumber) << 32n) | position;
  }
  return {
    serverId: name,
    gtid: gtid ?? transaction?.id ?? '',
    gtidSequence,
    fileName,
    position,
    rowIndex: row,
    timestamp,
    transactionId: transaction?.id,
    indexInTransaction: transaction === undefined ? 0 : transaction.totalOrder - 1,
    partition: at.partition,
    offset: at.offset,
  };
}

/** MariaDB's `domain-server-sequence`. */
function mariadbGtidSequence(gtid: string): bigint | undefined {
  const m = /^\d+-\d+-(\d+)$/.exec(gtid);
  return m === null ? undefined : BigInt(m[1] as string);
}

function requireString(object: ExactJsonObject, name: string, where: string): string {
  const value = object[name];
  if (typeof value !== 'string') throw new DebeziumDecodeError(`${where}: ${name} is ${describeJson(value)}, not a string`);
  return value;
}

function requireInteger(object: ExactJsonObject, name: string, where: string): number {
  const value = object[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new DebeziumDecodeError(`${where}: ${name} is ${describeJson(value)}, not an integer`);
  return value;
}
