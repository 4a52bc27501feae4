import type { ColumnValue, JsonValue } from '../change-event.js';
import { charsetDecoder } from './charsets.js';
import { DtsNormalizeError } from './dts-errors.js';
import { DtsDataType, type DtsColumn, type DtsData } from './dts-model.js';

export interface ColumnValueOptions {
  /** Parse BYTES columns whose `originalType` is `json` into JSON values instead of Buffers. */
  readonly parseJson?: boolean;
}

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/;

const utf8Json = new TextDecoder('utf-8', { fatal: true });

interface IntRange {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}
interface BigIntRange {
  readonly name: string;
  readonly min: bigint;
  readonly max: bigint;
}

const INT8: IntRange = { name: 'INT8', min: -128, max: 127 };
const INT16: IntRange = { name: 'INT16', min: -32768, max: 32767 };
const INT32: IntRange = { name: 'INT32', min: -2147483648, max: 2147483647 };
const UINT8: IntRange = { name: 'UINT8', min: 0, max: 255 };
const UINT16: IntRange = { name: 'UINT16', min: 0, max: 65535 };
const INT64: BigIntRange = { name: 'INT64', min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT32: BigIntRange = { name: 'UINT32', min: 0n, max: 2n ** 32n - 1n };
const UINT64: BigIntRange = { name: 'UINT64', min: 0n, max: 2n ** 64n - 1n };

/**
 * Maps one DTS `Data` to our column value (docs/design.md section 1, docs/dts-protocol.md). Returns
 * `undefined` for NA ("not available": the source did not send this column, e.g. an unchanged column
 * of a minimal row image), which the caller leaves out of the row — unlike NIL, which is SQL NULL.
 * `where` names the record and column for error messages.
 */
export function decodeColumnValue(
  data: DtsData,
  column: DtsColumn,
  options: ColumnValueOptions,
  where: () => string,
): ColumnValue | undefined {
  switch (data.dataType) {
    case DtsDataType.NIL:
      return null;
    case DtsDataType.NA:
      return undefined;
    case DtsDataType.INT8:
      return toInt(data.sv, INT8, where);
    case DtsDataType.INT16:
      return toInt(data.sv, INT16, where);
    case DtsDataType.INT32:
      return toInt(data.sv, INT32, where);
    case DtsDataType.UINT8:
      return toInt(data.sv, UINT8, where);
    case DtsDataType.UINT16:
      return toInt(data.sv, UINT16, where);
    case DtsDataType.INT64:
      return toBigInt(data.sv, INT64, where);
    case DtsDataType.UINT32:
      return toBigInt(data.sv, UINT32, where);
    case DtsDataType.UINT64:
      return toBigInt(data.sv, UINT64, where);
    case DtsDataType.FLOAT32:
    case DtsDataType.FLOAT64:
      return toFloat(data.sv, where);
    case DtsDataType.DECIMAL:
      if (!DECIMAL.test(data.sv)) throw new DtsNormalizeError(`${where()}: DECIMAL value ${quote(data.sv)} is not a decimal`);
      return data.sv;
    case DtsDataType.STRING:
      return toText(data, where);
    case DtsDataType.BYTES:
      if (options.parseJson === true && column.originalType.toLowerCase() === 'json') return toJson(data.bv, where);
      // A copy: the decoded bytes are a view into the whole Kafka message, which a held event would pin.
      return Buffer.from(data.bv);
    default:
      throw new DtsNormalizeError(`${where()}: unknown DataType ${data.dataType}`);
  }
}

function toInt(sv: string, range: IntRange, where: () => string): number {
  const value = INTEGER.test(sv) ? Number(sv) : Number.NaN;
  if (!(value >= range.min && value <= range.max)) {
    throw new DtsNormalizeError(`${where()}: ${range.name} value ${quote(sv)} is not an integer in range`);
  }
  return value;
}

function toBigInt(sv: string, range: BigIntRange, where: () => string): bigint {
  const value = INTEGER.test(sv) ? BigInt(sv) : undefined;
  if (value === undefined || value < range.min || value > range.max) {
    throw new DtsNormalizeError(`${where()}: ${range.name} value ${quote(sv)} is not an integer in range`);
  }
  return value;
}

function toFloat(sv: string, where: () => string): number {
  const value = FLOAT.test(sv) ? Number(sv) : Number.NaN;
  if (!Number.isFinite(value)) throw new DtsNormalizeError(`${where()}: float value ${quote(sv)} is not a finite number`);
  return value;
}

/**
 * STRING text is in `bv`, encoded in `charset`; a producer that already put the text in `sv` (and
 * left `bv` empty) is accepted. The `binary` charset means raw bytes: those stay a Buffer.
 */
function toText(data: DtsData, where: () => string): string | Buffer {
  if (data.bv.length === 0 && data.sv !== '') return data.sv;
  if (data.charset.toLowerCase() === 'binary') return Buffer.from(data.bv);
  const decode = charsetDecoder(data.charset);
  if (decode === undefined) throw new DtsNormalizeError(`${where()}: unknown charset ${quote(data.charset)}`);
  try {
    return decode(data.bv);
  } catch (error) {
    throw new DtsNormalizeError(`${where()}: bytes are not valid ${data.charset || 'utf8'} text`, error);
  }
}

function toJson(bv: Buffer, where: () => string): JsonValue {
  try {
    return JSON.parse(utf8Json.decode(bv)) as JsonValue;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DtsNormalizeError(`${where()}: JSON column is not valid JSON: ${reason}`, error);
  }
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
