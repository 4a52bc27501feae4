import avro from 'avsc';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Avro `uuid` on `string`: a string in JS, checked for the 8-4-4-4-12 hex form when written. */
export class UuidType extends avro.types.LogicalType {
  protected override _toValue(value: unknown): string | undefined {
    return typeof value === 'string' && UUID.test(value) ? value : undefined;
  }

  protected override _fromValue(value: unknown): string {
    return String(value);
  }

  protected override _resolve(writer: avro.Type): ((value: unknown) => string) | undefined {
    if (writer instanceof UuidType || writer instanceof avro.types.StringType) return (value) => String(value);
    return undefined;
  }
}
