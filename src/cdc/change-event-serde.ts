import { CdcStreamsError } from '../common/errors.js';
import type { Serde, SerdeContext } from '../serde/serde.js';
import type { ChangeEvent, ChangeOperation, ColumnValue, JsonValue, Row } from './change-event.js';

/** Bytes that are not a ChangeEvent written by {@link changeEventSerde}, or a value it cannot write. */
export class ChangeEventSerdeError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'CHANGE_EVENT_SERDE', cause });
  }
}

/**
 * Layout (format 1): one version byte, then UTF-8 JSON of a fixed-position array
 *   [schema, table, op, before, after, row, keyColumns, serverId, gtid, gtidSequence, fileName,
 *    position, rowIndex, timestamp, transactionId, indexInTransaction, partition, offset]
 * — positions instead of property names keep it compact; V8's JSON is faster than a hand-written
 * binary layout in JS (measured: docs/dts-protocol.md). A row is a flat [name, value, name, value, …]
 * list (so a column named `__proto__` stays a column). Values are plain JSON when that is exact:
 * null, finite numbers except -0, strings, booleans; anything else is a tagged pair:
 * ["n", decimal] bigint, ["x", base64] Buffer, ["j", value] a JSON array/object, ["f", text] -0/NaN/±Infinity.
 * `before`/`after` absent → null; `row` → "a"/"b" when it is `after`/`before` (always, for our decoders).
 */
const FORMAT = 1;
const OPS: readonly ChangeOperation[] = ['insert', 'update', 'delete'];
const OP_CODE: Readonly<Record<ChangeOperation, number>> = { insert: 0, update: 1, delete: 2 };
const FIELDS = 18;

type Encoded = null | number | string | boolean | Encoded[] | { [key: string]: Encoded };

export const changeEventSerde: Serde<ChangeEvent> = {
  name: 'change-event',
  serialize(event: ChangeEvent): Buffer {
    const s = event.source;
    const row = event.row === event.after ? 'a' : event.row === event.before ? 'b' : encodeRow(event.row);
    const fields: Encoded[] = [
      event.schema,
      event.table,
      OP_CODE[event.op],
      event.before === undefined ? null : encodeRow(event.before),
      event.after === undefined ? null : encodeRow(event.after),
      row,
      event.keyColumns as string[],
      s.serverId,
      s.gtid,
      s.gtidSequence.toString(),
      s.fileName,
      s.position.toString(),
      s.rowIndex,
      s.timestamp,
      s.transactionId ?? null,
      s.indexInTransaction,
      s.partition,
      s.offset,
    ];
    const json = JSON.stringify(fields);
    const out = Buffer.allocUnsafe(1 + Buffer.byteLength(json));
    out[0] = FORMAT;
    out.write(json, 1, 'utf8');
    return out;
  },
  deserialize(data: Buffer, context: SerdeContext): ChangeEvent {
    const where = (): string =>
      `${context.topic}/${context.partition ?? '?'}@${context.offset ?? '?'}`;
    if (data[0] !== FORMAT) {
      throw new ChangeEventSerdeError(`change event at ${where()}: unknown format byte ${String(data[0])}`);
    }
    let f: unknown;
    try {
      f = JSON.parse(data.toString('utf8', 1));
    } catch (error) {
      throw new ChangeEventSerdeError(`change event at ${where()}: body is not JSON`, error);
    }
    try {
      return decodeFields(f);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ChangeEventSerdeError(`change event at ${where()}: ${reason}`, error);
    }
  },
};

function encodeRow(row: Row): Encoded[] {
  const out: Encoded[] = [];
  for (const name of Object.keys(row)) out.push(name, encodeValue(row[name] as ColumnValue, name));
  return out;
}

function encodeValue(value: ColumnValue, name: string): Encoded {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : ['f', String(Object.is(value, -0) ? '-0' : value)];
    case 'bigint':
      return ['n', value.toString()];
    case 'object':
      if (value === null) return null;
      if (Buffer.isBuffer(value)) return ['x', value.toString('base64')];
      return ['j', value as Encoded];
    default:
      throw new ChangeEventSerdeError(`column ${JSON.stringify(name)}: cannot serialize a ${typeof value}`);
  }
}

function decodeFields(f: unknown): ChangeEvent {
  if (!Array.isArray(f) || f.length !== FIELDS) throw new TypeError(`expected an array of ${FIELDS} fields`);
  const op = OPS[f[2] as number];
  if (op === undefined) throw new TypeError(`unknown op code ${String(f[2])}`);
  const before = f[3] === null ? undefined : decodeRow(f[3]);
  const after = f[4] === null ? undefined : decodeRow(f[4]);
  const row = f[5] === 'a' ? after : f[5] === 'b' ? before : decodeRow(f[5]);
  if (row === undefined) throw new TypeError('row refers to an absent image');
  const keyColumns = f[6] as unknown;
  if (!Array.isArray(keyColumns) || !keyColumns.every((k) => typeof k === 'string')) throw new TypeError('bad keyColumns');
  return {
    schema: str(f[0], 'schema'),
    table: str(f[1], 'table'),
    op,
    before,
    after,
    row,
    keyColumns: keyColumns as string[],
    source: {
      serverId: str(f[7], 'serverId'),
      gtid: str(f[8], 'gtid'),
      gtidSequence: BigInt(str(f[9], 'gtidSequence')),
      fileName: str(f[10], 'fileName'),
      position: BigInt(str(f[11], 'position')),
      rowIndex: num(f[12], 'rowIndex'),
      timestamp: num(f[13], 'timestamp'),
      transactionId: f[14] === null ? undefined : str(f[14], 'transactionId'),
      indexInTransaction: num(f[15], 'indexInTransaction'),
      partition: num(f[16], 'partition'),
      offset: str(f[17], 'offset'),
    },
  };
}

function decodeRow(encoded: unknown): Row {
  if (!Array.isArray(encoded) || encoded.length % 2 !== 0) throw new TypeError('a row must be a [name, value, …] list');
  const row: Record<string, ColumnValue> = {};
  for (let i = 0; i < encoded.length; i += 2) {
    const name = str(encoded[i], 'column name');
    const value = decodeValue(encoded[i + 1] as Encoded, name);
    if (name === '__proto__') {
      Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      row[name] = value;
    }
  }
  return row;
}

function decodeValue(encoded: Encoded, name: string): ColumnValue {
  if (!Array.isArray(encoded)) {
    if (typeof encoded === 'object' && encoded !== null) throw new TypeError(`column ${JSON.stringify(name)}: untagged object`);
    return encoded;
  }
  const payload = encoded[1];
  switch (encoded[0]) {
    case 'n':
      return BigInt(str(payload, name));
    case 'x':
      return Buffer.from(str(payload, name), 'base64');
    case 'j':
      return payload as JsonValue;
    case 'f':
      return Number(str(payload, name));
    default:
      throw new TypeError(`column ${JSON.stringify(name)}: unknown value tag ${JSON.stringify(encoded[0])}`);
  }
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number`);
  return value;
}
