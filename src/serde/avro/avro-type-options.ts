import avro from 'avsc';
import { DecimalType } from './decimal-type.js';
import { TimestampMillisType } from './timestamp-millis-type.js';
import { UuidType } from './uuid-type.js';

/**
 * How Avro `long` maps to JS: `number` (default; values beyond 2^53 are rejected, never rounded) or
 * `bigint` (the full int64 range).
 */
export type AvroLongs = 'number' | 'bigint';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (json: unknown) => BigInt(json as string | number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX,
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/**
 * Parse options shared by every schema cdc-streams reads: one named-type `registry` (so a file may
 * use a type another file defines), our logical types, and unions of null and one type as plain
 * `T | null` values.
 */
export function avroTypeOptions(registry: Record<string, avro.Type>, longs: AvroLongs = 'number'): Partial<avro.ForSchemaOptions> {
  if (longs === 'bigint') registry['long'] = bigintLong;
  return {
    registry,
    logicalTypes: { decimal: DecimalType, uuid: UuidType, 'timestamp-millis': TimestampMillisType },
    wrapUnions: 'auto',
    // Otherwise avsc silently falls back to the underlying type when a decimal's attributes are bad.
    assertLogicalTypes: true,
  };
}
