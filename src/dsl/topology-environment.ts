import type { AvroSchemaCatalog } from '../serde/avro/avro-schema-catalog.js';
import { avroSerde } from '../serde/avro/avro-serde.js';
import { loadAvroSchemasSync } from '../serde/avro/load-avro-schemas.js';
import { createSchemaRegistryClient } from '../serde/registry/confluent-schema-registry-client.js';
import type { TopologyEnvironment } from './define-topology.js';

export interface TopologyEnvironmentOptions {
  /** Folder of `.avsc` files (default `schemas`, relative to the working directory). */
  readonly schemasDir?: string;
  /** A Confluent-compatible registry; without one Avro uses single-object encoding. */
  readonly schemaRegistryUrl?: string;
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * Hands topologies a factory for Avro serdes. The schemas folder is read on the first `avro(...)`
 * call, not before: a topology that uses no Avro needs no schemas folder.
 */
export async function createTopologyEnvironment(options: TopologyEnvironmentOptions = {}): Promise<TopologyEnvironment> {
  const schemasDir = options.schemasDir ?? 'schemas';
  const registry = options.schemaRegistryUrl ? createSchemaRegistryClient({ url: options.schemaRegistryUrl }) : undefined;
  let schemas: AvroSchemaCatalog | undefined;
  return {
    params: options.params ?? {},
    avro: <T>(type: string, serdeOptions: { readonly isKey?: boolean } = {}) => {
      schemas ??= loadAvroSchemasSync(schemasDir);
      return avroSerde<T>({ schemas, type, ...(registry === undefined ? {} : { registry }), ...(serdeOptions.isKey ? { isKey: true } : {}) });
    },
  };
}
