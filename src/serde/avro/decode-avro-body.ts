import type avro from 'avsc';
import type { SerdeContext } from '../serde.js';
import { InvalidAvroBodyError, TruncatedAvroError } from './avro-errors.js';

/**
 * Decodes the Avro body starting at `offset`, which must end exactly at the end of `data`. avsc
 * reports a body that runs past the end as offset -1 and anything else it cannot read (a bad union or
 * enum index, an impossible decimal, a long beyond 2^53) by throwing; both become typed errors so a
 * bad record goes to the dead-letter topic instead of crashing the task.
 */
export function decodeAvroBody<T>(
  reader: avro.Type,
  resolver: avro.Resolver | undefined,
  data: Buffer,
  offset: number,
  context: SerdeContext,
): T {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = reader.decode(data, offset, resolver);
  } catch (error) {
    throw new InvalidAvroBodyError(reader.name ?? reader.typeName, context, error);
  }
  if (decoded.offset < 0) throw new TruncatedAvroError(`the ${reader.name ?? reader.typeName} body ends early`, context);
  if (decoded.offset !== data.length) {
    throw new InvalidAvroBodyError(reader.name ?? reader.typeName, context, `${data.length - decoded.offset} trailing bytes`);
  }
  return decoded.value as T;
}
