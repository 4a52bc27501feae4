import avro from 'avsc';

/**
 * Avro `timestamp-millis` on `long`: milliseconds since the epoch as a JS number. A class of its own
 * only so the `logicalType` attribute survives when the schema is exported to a registry (avsc drops
 * attributes of logical types it does not know).
 */
export class TimestampMillisType extends avro.types.LogicalType {
  // With `longs: 'bigint'` the underlying long takes bigints; the JS side stays a number either way.
  private readonly bigintUnderlying = this.underlyingType.isValid(0n);

  protected override _toValue(value: unknown): number | bigint | undefined {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
    return this.bigintUnderlying ? BigInt(value) : value;
  }

  protected override _fromValue(value: unknown): number {
    return Number(value);
  }

  protected override _resolve(writer: avro.Type): ((value: unknown) => number) | undefined {
    if (writer instanceof TimestampMillisType || writer.typeName === 'long' || writer.typeName === 'int') {
      return (value) => Number(value);
    }
    return undefined;
  }
}
