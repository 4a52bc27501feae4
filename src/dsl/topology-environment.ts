import { avroSerde } from '../serde/avro/avro-serde.js';
import { loadAvroSchemas } from '../serde/avro/load-avro-schemas.js';
import { createSchemaRegistryClient } from '../serde/registry/confluent-schema-registry-client.js';
import type { TopologyEnvironment } from './define-topology.js';

export interface TopologyEnvironmentOptions {
  /** Folder of `.avsc` files (default `schemas`). */
  readonly schemasDir?: string;
  /** A Confluent-compatible registry; without one Avro uses single-object encoding. */
  readonly schemaRegistryUrl?: string;
  readonly params?: Readonly<Record<string, string>>;
}

/** Loads the schemas once and hands topologies a factory for Avro serdes. */
export async function createTopologyEnvironment(options: TopologyEnvironmentOptions = {}): Promise<TopologyEnvironment> {
  const schemas = await loadAvroSchemas(options.schemasDir ?? 'schemas');
  const registry = options.schemaRegistryUrl ? createSchemaRegistryClient({ url: options.schemaRegistryUrl }) : undefined;
  return {
    params: options.params ?? {},
    avro: <T>(type: string, serdeOptions: { readonly isKey?: boolean } = {}) =>
      avroSerde<T>({ schemas, type, ...(registry === undefined ? {} : { registry }), ...(serdeOptions.isKey ? { isKey: true } : {}) }),
  };
}
