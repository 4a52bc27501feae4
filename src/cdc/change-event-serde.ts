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
 * Layout (format 2): one version byte, a u32 (big-endian) JSON length, UTF-8 JSON of a fixed-position array
 *   [schema, table, op, before, after, row, keyColumns, serverId, gtid, gtidSequence, fileName,
 *    position, rowIndex, timestamp, transactionId, indexInTransaction, partition, offset]
 * — positions instead of property names keep it compact; V8's JSON is faster than a hand-written
 * binary layout in JS (measured: docs/dts-protocol.md). A row is a flat [name, value, name, value, …]
 * list (so a column named `__proto__` stays a column). Values are plain JSON when that is exact:
 * null, finite numbers except -0, strings, booleans; anything else is a tagged pair:
 * ["n", decimal] bigint, ["b", i] Buffer, ["j", value] a JSON array/object, ["f", text] -0/NaN/±Infinity.
 * `before`/`after` absent → null; `row` → "a"/"b" when it is `after`/`before` (always, for our decoders).
 * After the JSON come the Buffers as raw bytes, each a u32 length and its bytes; ["b", i] is the i-th —
 * so a BLOB or JSON column costs its size, not a third more as base64 text, and decoding it is a view.
 * Format 1 (no lengths, Buffers as ["x", base64] inside the JSON) is still read.
 */
const FORMAT = 2;
const FORMAT_BASE64 = 1;
const OPS: readonly ChangeOperation[] = ['insert', 'update', 'delete'];
const OP_CODE: Readonly<Record<ChangeOperation, number>> = { insert: 0, update: 1, delete: 2 };
const FIELDS = 18;

type Encoded = null | number | string | boolean | Encoded[] | { [key: string]: Encoded };

/**
 * The bytes each event was read from. A change event read from the repartition topic is written again
 * unchanged into the resequencer's held store: handing back the bytes it came from saves encoding it
 * a second time. Events are immutable (every field readonly), so the bytes still describe them; a
 * WeakMap keeps them only as long as the event lives.
 */
const readFrom = new WeakMap<ChangeEvent, Buffer>();

export const changeEventSerde: Serde<ChangeEvent> = {
  name: 'change-event',
  serialize(event: ChangeEvent): Buffer {
    const bytes = readFrom.get(event);
    if (bytes !== undefined) return bytes;
    const s = event.source;
    const attachments: Buffer[] = [];
    const row = event.row === event.after ? 'a' : event.row === event.before ? 'b' : encodeRow(event.row, attachments);
    const fields: Encoded[] = [
      event.schema,
      event.table,
      OP_CODE[event.op],
      event.before === undefined ? null : encodeRow(event.before, attachments),
      event.after === undefined ? null : encodeRow(event.after, attachments),
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
    const jsonBytes = Buffer.byteLength(json);
    let size = 5 + jsonBytes;
    for (const attachment of attachments) size += 4 + attachment.length;
    const out = Buffer.allocUnsafe(size);
    out[0] = FORMAT;
    out.writeUInt32BE(jsonBytes, 1);
    out.write(json, 5, 'utf8');
    let at = 5 + jsonBytes;
    for (const attachment of attachments) {
      out.writeUInt32BE(attachment.length, at);
      attachment.copy(out, at + 4);
      at += 4 + attachment.length;
    }
    return out;
  },
  deserialize(data: Buffer, context: SerdeContext): ChangeEvent {
    const where = (): string =>
      `${context.topic}/${context.partition ?? '?'}@${context.offset ?? '?'}`;
    const format = data[0];
    if (format !== FORMAT && format !== FORMAT_BASE64) {
      throw new ChangeEventSerdeError(`change event at ${where()}: unknown format byte ${String(format)}`);
    }
    let jsonEnd = data.length;
    let attachments: Buffer[] = NO_ATTACHMENTS;
    if (format === FORMAT) {
      if (data.length < 5 || data.readUInt32BE(1) > data.length - 5) throw new ChangeEventSerdeError(`change event at ${where()}: truncated`);
      jsonEnd = 5 + data.readUInt32BE(1);
      attachments = readAttachments(data, jsonEnd, where);
    }
    let f: unknown;
    try {
      f = JSON.parse(data.toString('utf8', format === FORMAT ? 5 : 1, jsonEnd));
    } catch (error) {
      throw new ChangeEventSerdeError(`change event at ${where()}: body is not JSON`, error);
    }
    try {
      const event = decodeFields(f, attachments);
      readFrom.set(event, data);
      return event;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ChangeEventSerdeError(`change event at ${where()}: ${reason}`, error);
    }
  },
};

const NO_ATTACHMENTS: Buffer[] = [];

function readAttachments(data: Buffer, from: number, where: () => string): Buffer[] {
  if (from === data.length) return NO_ATTACHMENTS;
  const attachments: Buffer[] = [];
  for (let at = from; at < data.length; ) {
    if (at + 4 > data.length) throw new ChangeEventSerdeError(`change event at ${where()}: truncated attachment length`);
    const length = data.readUInt32BE(at);
    if (at + 4 + length > data.length) throw new ChangeEventSerdeError(`change event at ${where()}: truncated attachment`);
    attachments.push(data.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return attachments;
}

function encodeRow(row: Row, attachments: Buffer[]): Encoded[] {
  const out: Encoded[] = [];
  for (const name of Object.keys(row)) out.push(name, encodeValue(row[name] as ColumnValue, name, attachments));
  return out;
}

function encodeValue(value: ColumnValue, name: string, attachments: Buffer[]): Encoded {
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
      if (Buffer.isBuffer(value)) {
        attachments.push(value);
        return ['b', attachments.length - 1];
      }
      return ['j', value as Encoded];
    default:
      throw new ChangeEventSerdeError(`column ${JSON.stringify(name)}: cannot serialize a ${typeof value}`);
  }
}

function decodeFields(f: unknown, attachments: readonly Buffer[]): ChangeEvent {
  if (!Array.isArray(f) || f.length !== FIELDS) throw new TypeError(`expected an array of ${FIELDS} fields`);
  const op = OPS[f[2] as number];
  if (op === undefined) throw new TypeError(`unknown op code ${String(f[2])}`);
  const before = f[3] === null ? undefined : decodeRow(f[3], attachments);
  const after = f[4] === null ? undefined : decodeRow(f[4], attachments);
  const row = f[5] === 'a' ? after : f[5] === 'b' ? before : decodeRow(f[5], attachments);
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

function decodeRow(encoded: unknown, attachments: readonly Buffer[]): Row {
  if (!Array.isArray(encoded) || encoded.length % 2 !== 0) throw new TypeError('a row must be a [name, value, …] list');
  const row: Record<string, ColumnValue> = {};
  for (let i = 0; i < encoded.length; i += 2) {
    const name = str(encoded[i], 'column name');
    const value = decodeValue(encoded[i + 1] as Encoded, name, attachments);
    if (name === '__proto__') {
      Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      row[name] = value;
    }
  }
  return row;
}

function decodeValue(encoded: Encoded, name: string, attachments: readonly Buffer[]): ColumnValue {
  if (!Array.isArray(encoded)) {
    if (typeof encoded === 'object' && encoded !== null) throw new TypeError(`column ${JSON.stringify(name)}: untagged object`);
    return encoded;
  }
  const payload = encoded[1];
  switch (encoded[0]) {
    case 'n':
      return BigInt(str(payload, name));
    case 'b': {
      const attachment = typeof payload === 'number' ? attachments[payload] : undefined;
      if (attachment === undefined) throw new TypeError(`column ${JSON.stringify(name)}: no attachment ${JSON.stringify(payload)}`);
      return attachment;
    }
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
