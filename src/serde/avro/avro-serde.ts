import type { Serde } from '../serde.js';
import type { SchemaRegistryClient } from '../registry/schema-registry-client.js';
import type { SubjectNameStrategy } from '../registry/subject-name-strategy.js';
import type { AvroSchemaCatalog } from './avro-schema-catalog.js';
import { ConfluentAvroSerde } from './confluent-avro-serde.js';
import { SingleObjectAvroSerde } from './single-object-avro-serde.js';

export interface AvroSerdeOptions {
  /** The loaded `schemas/` folder (`loadAvroSchemas`). */
  readonly schemas: AvroSchemaCatalog;
  /** Full name (`sale.OrderEvent`) or schema file name (`order-event`). */
  readonly type: string;
  /** With a registry: Confluent wire format. Without: Avro single-object encoding. */
  readonly registry?: SchemaRegistryClient;
  /** Registry mode: subject `<topic>-key` instead of `<topic>-value` under the topic strategy. */
  readonly isKey?: boolean;
  readonly subjectNameStrategy?: SubjectNameStrategy;
}

/**
 * An Avro serde for one record type. JS values: records are objects, enums strings, `["null", T]`
 * unions `T | null`, decimal an exact string ("1234.50"), timestamp-millis a number of ms, uuid a
 * string, long a number (or bigint with `loadAvroSchemas(dir, { longs: 'bigint' })`).
 */
export function avroSerde<T>(options: AvroSerdeOptions): Serde<T> {
  const typeName = options.schemas.resolveName(options.type);
  if (options.registry === undefined) return new SingleObjectAvroSerde<T>(options.schemas, typeName);
  return new ConfluentAvroSerde<T>({ ...options, typeName, registry: options.registry });
}
