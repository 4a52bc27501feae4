import type { ColumnValue, JsonValue } from '../change-event.js';
import { describeJson, isJsonObject, type ExactJson } from '../exact-json.js';

/** A field of a Kafka Connect JSON schema, as the schema envelope writes it. */
export interface ConnectSchema {
  readonly type: string;
  readonly name: string | undefined;
  readonly optional: boolean;
  readonly field: string | undefined;
  readonly parameters: Readonly<Record<string, string>>;
  readonly fields: readonly ConnectSchema[];
  readonly items: ConnectSchema | undefined;
  readonly values: ConnectSchema | undefined;
}

export interface DebeziumValueOptions {
  /** Parse `io.debezium.data.Json` columns into JSON values (default: keep the JSON text). */
  readonly parseJson?: boolean;
}

/** Thrown by the converters with the column path; the decoder adds the record's coordinates. */
export class ColumnValueProblem extends Error {}

const MS_PER_DAY = 86_400_000;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Reads one schema node of the envelope; throws ColumnValueProblem on one that is not a Connect schema. */
export function readConnectSchema(value: ExactJson | undefined, path: string): ConnectSchema {
  if (!isJsonObject(value)) throw new ColumnValueProblem(`${path}: schema is ${describeJson(value)}, not an object`);
  const type = value['type'];
  if (typeof type !== 'string') throw new ColumnValueProblem(`${path}: schema type is ${describeJson(type)}`);
  const name = value['name'];
  const field = value['field'];
  const parameters: Record<string, string> = {};
  const params = value['parameters'];
  if (isJsonObject(params)) for (const [k, v] of Object.entries(params)) if (typeof v === 'string') parameters[k] = v;
  const fieldList = value['fields'];
  const fields = Array.isArray(fieldList) ? fieldList.map((f, i) => readConnectSchema(f, `${path}.fields[${i}]`)) : [];
  return {
    type,
    name: typeof name === 'string' ? name : undefined,
    optional: value['optional'] === true,
    field: typeof field === 'string' ? field : undefined,
    parameters,
    fields,
    items: value['items'] === undefined ? undefined : readConnectSchema(value['items'], `${path}.items`),
    values: value['values'] === undefined ? undefined : readConnectSchema(value['values'], `${path}.values`),
  };
}

/**
 * A column value typed by its Connect schema, into the ChangeEvent's column types — the same a DTS
 * column of that MySQL type gets: int8..int32 → number, int64 → bigint, Connect Decimal and Debezium's
 * VariableScaleDecimal → the exact decimal string, bytes → Buffer, DATETIME (`io.debezium.time.
 * [Micro|Nano]Timestamp`, Connect `Timestamp`) → the zone-less `YYYY-MM-DD hh:mm:ss[.f]` Debezium
 * encoded as if it were UTC, TIMESTAMP (`ZonedTimestamp`) → `YYYY-MM-DD hh:mm:ss[.f] +00:00`, DATE →
 * `YYYY-MM-DD`, TIME → `hh:mm:ss[.f]`, JSON → its text (or the parsed value), anything else nested →
 * a JSON value (bytes inside it as base64).
 */
export function columnWithSchema(value: ExactJson | undefined, schema: ConnectSchema, path: string, options: DebeziumValueOptions): ColumnValue {
  if (value === undefined || value === null) return null;
  switch (schema.name) {
    case 'org.apache.kafka.connect.data.Decimal':
      return decimalOf(bytesOf(value, path), scaleOf(schema.parameters['scale'], path), path);
    case 'io.debezium.data.VariableScaleDecimal': {
      if (!isJsonObject(value)) throw new ColumnValueProblem(`${path}: VariableScaleDecimal is ${describeJson(value)}`);
      const scale = value['scale'];
      if (typeof scale !== 'number' || !Number.isSafeInteger(scale)) throw new ColumnValueProblem(`${path}: VariableScaleDecimal scale is ${describeJson(scale)}`);
      return decimalOf(bytesOf(value['value'], path), scale, path);
    }
    case 'io.debezium.time.Date':
    case 'org.apache.kafka.connect.data.Date':
      return dateOf(integerOf(value, path) * BigInt(MS_PER_DAY) * 1_000_000n, path).slice(0, 10);
    case 'io.debezium.time.Time':
    case 'org.apache.kafka.connect.data.Time':
      return timeOf(integerOf(value, path) * 1_000_000n, 3);
    case 'io.debezium.time.MicroTime':
      return timeOf(integerOf(value, path) * 1000n, 6);
    case 'io.debezium.time.NanoTime':
      return timeOf(integerOf(value, path), 9);
    case 'io.debezium.time.Timestamp':
    case 'org.apache.kafka.connect.data.Timestamp':
      return dateTimeOf(integerOf(value, path) * 1_000_000n, 3, path);
    case 'io.debezium.time.MicroTimestamp':
      return dateTimeOf(integerOf(value, path) * 1000n, 6, path);
    case 'io.debezium.time.NanoTimestamp':
      return dateTimeOf(integerOf(value, path), 9, path);
    case 'io.debezium.time.ZonedTimestamp':
      return zonedOf(stringOf(value, path), path);
    case 'io.debezium.data.Json': {
      const text = stringOf(value, path);
      if (options.parseJson !== true) return text;
      try {
        return JSON.parse(text) as JsonValue;
      } catch (error) {
        throw new ColumnValueProblem(`${path}: JSON column holds invalid JSON (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    default:
      break;
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32': {
      const n = integerOf(value, path);
      const bits = schema.type === 'int8' ? 7n : schema.type === 'int16' ? 15n : 31n;
      if (n < -(1n << bits) || n >= 1n << bits) throw new ColumnValueProblem(`${path}: ${n} is out of range for ${schema.type}`);
      return Number(n);
    }
    case 'int64': {
      const n = integerOf(value, path);
      if (n < -(1n << 63n) || n >= 1n << 63n) throw new ColumnValueProblem(`${path}: ${n} is out of range for int64`);
      return n;
    }
    case 'float':
    case 'float32':
    case 'double':
    case 'float64':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      throw new ColumnValueProblem(`${path}: expected a number, got ${describeJson(value)}`);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      throw new ColumnValueProblem(`${path}: expected a boolean, got ${describeJson(value)}`);
    case 'string':
      return stringOf(value, path);
    case 'bytes':
      return bytesOf(value, path);
    case 'struct':
    case 'array':
    case 'map':
      return nestedWithSchema(value, schema, path);
    default:
      throw new ColumnValueProblem(`${path}: unknown schema type '${schema.type}'`);
  }
}

/** A column value without a schema (`schemas.enable=false`): JSON as it is, integers exact. */
export function columnWithoutSchema(value: ExactJson | undefined): ColumnValue {
  if (value === undefined) return null;
  if (typeof value === 'bigint' || typeof value !== 'object' || value === null) return value;
  return plainJson(value);
}

function nestedWithSchema(value: ExactJson, schema: ConnectSchema, path: string): JsonValue {
  if (schema.type === 'array') {
    if (!Array.isArray(value)) throw new ColumnValueProblem(`${path}: expected an array, got ${describeJson(value)}`);
    const items = schema.items;
    return value.map((item, i) => (items === undefined ? plainJson(item) : toJson(columnWithSchema(item, items, `${path}[${i}]`, {}))));
  }
  if (!isJsonObject(value)) throw new ColumnValueProblem(`${path}: expected an object, got ${describeJson(value)}`);
  const out: Record<string, JsonValue> = {};
  if (schema.type === 'struct') {
    for (const field of schema.fields) {
      const name = field.field;
      if (name === undefined) continue;
      out[name] = toJson(columnWithSchema(value[name], field, `${path}.${name}`, {}));
    }
    return out;
  }
  for (const [k, v] of Object.entries(value)) out[k] = schema.values === undefined ? plainJson(v) : toJson(columnWithSchema(v, schema.values, `${path}.${k}`, {}));
  return out;
}

/** Inside a JSON value a bigint becomes its decimal text and bytes their base64: JSON has neither. */
function toJson(value: ColumnValue): JsonValue {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

function plainJson(value: ExactJson): JsonValue {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plainJson);
  if (isJsonObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plainJson(v);
    return out;
  }
  return value;
}

function integerOf(value: ExactJson, path: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new ColumnValueProblem(`${path}: expected an integer, got ${describeJson(value)}`);
}

function stringOf(value: ExactJson | undefined, path: string): string {
  if (typeof value === 'string') return value;
  throw new ColumnValueProblem(`${path}: expected a string, got ${describeJson(value)}`);
}

function bytesOf(value: ExactJson | undefined, path: string): Buffer {
  const text = stringOf(value, path);
  if (!BASE64.test(text)) throw new ColumnValueProblem(`${path}: bytes are not base64`);
  return Buffer.from(text, 'base64');
}

function scaleOf(text: string | undefined, path: string): number {
  const scale = Number(text);
  if (text === undefined || !Number.isSafeInteger(scale) || scale < 0 || scale > 1000) throw new ColumnValueProblem(`${path}: Decimal has no usable scale (${String(text)})`);
  return scale;
}

/** A Connect Decimal: the unscaled value as big-endian two's complement, and the scale. */
function decimalOf(bytes: Buffer, scale: number, path: string): string {
  if (bytes.length === 0) throw new ColumnValueProblem(`${path}: Decimal has no bytes`);
  let unscaled = BigInt.asIntN(bytes.length * 8, BigInt(`0x${bytes.toString('hex')}`));
  const negative = unscaled < 0n;
  if (negative) unscaled = -unscaled;
  const digits = unscaled.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** `YYYY-MM-DD hh:mm:ss[.f]` of an epoch in nanoseconds read as UTC; `digits` of fraction when not zero. */
function dateTimeOf(nanos: bigint, digits: number, path: string): string {
  const text = dateOf(nanos, path);
  const fraction = ((nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return fraction === 0n ? text : `${text}.${fraction.toString().padStart(9, '0').slice(0, digits)}`;
}

function dateOf(nanos: bigint, path: string): string {
  const ms = Number(nanos / 1_000_000n) - (nanos % 1_000_000n < 0n ? 1 : 0);
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(ms) || Number.isNaN(year) || year < 0 || year > 9999) throw new ColumnValueProblem(`${path}: time ${nanos} ns is outside years 0..9999`);
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A MySQL TIME (which may be negative or past 24 h) from nanoseconds: `[-]hh:mm:ss[.f]`. */
function timeOf(nanos: bigint, digits: number): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const seconds = abs / 1_000_000_000n;
  const fraction = abs % 1_000_000_000n;
  const pad = (n: bigint): string => n.toString().padStart(2, '0');
  const text = `${negative ? '-' : ''}${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}`;
  return fraction === 0n ? text : `${text}.${fraction.toString().padStart(9, '0').slice(0, digits)}`;
}

/** Debezium's ISO-8601 ZonedTimestamp (`2025-11-11T02:00:00.5Z`) as DTS writes a TIMESTAMP. */
function zonedOf(text: string, path: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) throw new ColumnValueProblem(`${path}: ZonedTimestamp '${text.slice(0, 40)}' is not ISO-8601`);
  return `${m[1]} ${m[2]} ${m[3] === 'Z' ? '+00:00' : m[3]}`;
}
