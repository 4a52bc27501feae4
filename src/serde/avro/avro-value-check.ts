import type avro from 'avsc';
import type { SerdeContext } from '../serde.js';
import { AvroSchemaMismatchError } from './avro-errors.js';
import { describeType } from './avro-compatibility.js';
import { DecimalType } from './decimal-type.js';

function preview(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Throws `AvroSchemaMismatchError` naming the first field whose value does not match. avsc's writer
 * does not validate (it may write garbage for a wrong value), so every value is checked first.
 */
export function assertMatchesSchema(type: avro.Type, value: unknown, context: SerdeContext): void {
  if (type.isValid(value, { noUndeclaredFields: true })) return;
  let first: { path: string; detail: string } | undefined;
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, bad, badType) => {
      if (first !== undefined) return;
      const problem = badType instanceof DecimalType ? badType.problemWith(bad) : undefined;
      first = { path: path.join('.'), detail: problem ?? `expected ${describeType(badType)}, got ${preview(bad)}` };
    },
  });
  const found = first ?? { path: '', detail: 'does not match' };
  throw new AvroSchemaMismatchError(type.name ?? type.typeName, found.path, found.detail, context);
}
