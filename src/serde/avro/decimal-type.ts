import avro from 'avsc';
import { AvroSchemaError, DecimalValueError } from './avro-errors.js';

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Avro `decimal` (on `bytes` or `fixed`) as an exact decimal string in JS: "1234.50", always with
 * `scale` fraction digits. A float would silently round money, so numbers are rejected. Values are
 * never rounded either: more fraction digits than `scale`, or more digits than `precision`, is an
 * error that names the limit (and, through `isValid`'s path, the field).
 */
export class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly fixedSize: number | undefined;

  constructor(schema: avro.Schema, options?: unknown) {
    super(schema, options);
    const attrs = schema as { precision?: unknown; scale?: unknown; name?: unknown };
    const precision = attrs.precision;
    const scale = attrs.scale ?? 0;
    const label = typeof attrs.name === 'string' ? `decimal ${attrs.name}` : 'decimal';
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      throw new AvroSchemaError(`${label}: precision must be a positive integer, got ${String(precision)}`);
    }
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new AvroSchemaError(`${label}: scale must be an integer in 0..${precision}, got ${String(scale)}`);
    }
    const underlying = this.underlyingType;
    if (underlying instanceof avro.types.FixedType) {
      const maxPrecision = Math.floor(Math.log10(2) * (8 * underlying.size - 1));
      if (precision > maxPrecision) {
        throw new AvroSchemaError(`${label}: fixed(${underlying.size}) holds at most ${maxPrecision} digits, precision is ${precision}`);
      }
      this.fixedSize = underlying.size;
    } else if (underlying instanceof avro.types.BytesType) {
      this.fixedSize = undefined;
    } else {
      throw new AvroSchemaError(`${label}: the underlying type must be bytes or fixed, got ${underlying.typeName}`);
    }
    this.precision = precision;
    this.scale = scale;
  }

  /** `decimal(12,2)`: how error messages name this type. */
  describe(): string {
    return `decimal(${this.precision},${this.scale})`;
  }

  /** Why `value` cannot be written, or undefined if it can. */
  problemWith(value: unknown): string | undefined {
    if (typeof value !== 'string') return `must be a decimal string like "12.50", got ${typeof value}`;
    const match = DECIMAL_TEXT.exec(value);
    if (match === null) return `"${value}" is not a decimal string`;
    const [, , integer = '', fraction = ''] = match;
    if (fraction.length > this.scale) return `"${value}" has ${fraction.length} fraction digits, ${this.describe()} allows ${this.scale}`;
    const integerDigits = integer.replace(/^0+/, '').length;
    if (integerDigits > this.precision - this.scale) {
      return `"${value}" has ${integerDigits} integer digits, ${this.describe()} allows ${this.precision - this.scale}`;
    }
    return undefined;
  }

  protected override _toValue(value: unknown): Buffer {
    const problem = this.problemWith(value);
    if (problem !== undefined) throw new DecimalValueError(problem);
    const [, sign = '', integer = '', fraction = ''] = DECIMAL_TEXT.exec(value as string) ?? [];
    const unscaled = BigInt(`${sign}${integer}${fraction.padEnd(this.scale, '0')}`);
    return toTwosComplement(unscaled, this.fixedSize);
  }

  protected override _fromValue(bytes: unknown): string {
    if (!Buffer.isBuffer(bytes)) throw new DecimalValueError(`decimal bytes expected, got ${typeof bytes}`);
    return this.format(fromTwosComplement(bytes));
  }

  protected override _resolve(writer: avro.Type): ((value: unknown) => string) | undefined {
    // A writer decimal with the same scale means the same numbers; its values arrive as strings.
    if (writer instanceof DecimalType && writer.scale === this.scale) {
      return (value) => {
        const problem = this.problemWith(value);
        if (problem !== undefined) throw new DecimalValueError(problem);
        return value as string;
      };
    }
    return undefined;
  }

  protected override _export(attrs: avro.Schema): void {
    Object.assign(attrs as object, { precision: this.precision, scale: this.scale });
  }

  private format(unscaled: bigint): string {
    const negative = unscaled < 0n;
    const digits = (negative ? -unscaled : unscaled).toString().padStart(this.scale + 1, '0');
    const integerDigits = digits.length - this.scale;
    if (digits.replace(/^0+/, '').length > this.precision) {
      throw new DecimalValueError(`decoded value has more than the ${this.precision} digits of ${this.describe()}`);
    }
    const text = this.scale === 0 ? digits : `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
    return negative ? `-${text}` : text;
  }
}

/** Big-endian two's complement, minimal length for bytes, sign-extended to `size` for fixed. */
function toTwosComplement(value: bigint, size: number | undefined): Buffer {
  let length = 1;
  while (value < -(1n << BigInt(8 * length - 1)) || value >= 1n << BigInt(8 * length - 1)) length += 1;
  const width = size ?? length;
  if (width < length) throw new DecimalValueError(`${value} does not fit fixed(${width})`);
  const out = Buffer.alloc(width);
  let rest = BigInt.asUintN(8 * width, value);
  for (let i = width - 1; i >= 0; i -= 1) {
    out.writeUInt8(Number(rest & 0xffn), i);
    rest >>= 8n;
  }
  return out;
}

function fromTwosComplement(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${bytes.toString('hex')}`);
  return BigInt.asIntN(8 * bytes.length, unsigned);
}
