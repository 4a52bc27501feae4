/**
 * 64-bit conversions between protobufjs (which hands out long.js `Long`s, or plain numbers for values
 * it defaulted) and our `bigint`s, without ever going through a lossy `number`.
 */

/** The part of long.js's `Long` we read, and what protobufjs's writer accepts for 64-bit fields. */
export interface LongBits {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

const TWO_POW_32 = 4294967296n;

export function longToBigInt(value: LongBits | number, unsigned: boolean): bigint {
  if (typeof value === 'number') return BigInt(value);
  // Most positions, sequences and ids fit 32 bits: skip the slower 64-bit arithmetic.
  if (value.high === 0) return BigInt(value.low >>> 0);
  const bits = BigInt(value.high >>> 0) * TWO_POW_32 + BigInt(value.low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

/** Accepts any bigint in the signed or unsigned 64-bit range; the wire keeps only the low 64 bits. */
export function bigIntToLong(value: bigint, unsigned: boolean): LongBits {
  const bits = BigInt.asUintN(64, value);
  return {
    low: Number(bits & 0xffffffffn) | 0,
    high: Number(bits >> 32n) | 0,
    unsigned,
  };
}
