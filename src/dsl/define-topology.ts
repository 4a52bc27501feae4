import { ConfigError } from '../common/errors.js';
import type { Serde } from '../serde/serde.js';
import type { Topology } from '../topology/topology.js';
import { StreamsBuilder } from './streams-builder.js';

/** What a topology file's `build` gets besides the builder: serdes from the project's schemas, parameters. */
export interface TopologyEnvironment {
  /** An Avro serde for a schema in `schemas/` (registry wire format if a registry is configured, single-object otherwise). */
  avro<T>(type: string, options?: { readonly isKey?: boolean }): Serde<T>;
  /** `--set key=value` parameters from the command line (e.g. `paymentTimeoutMinutes`). */
  readonly params: Readonly<Record<string, string>>;
}

export interface TopologyDefinition {
  /** Names the consumer group, internal topics (`<id>-...`) and the state directory. */
  readonly applicationId: string;
  readonly description?: string;
  readonly build: (builder: StreamsBuilder, env: TopologyEnvironment) => void;
}

const APPLICATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Declares a topology file's default export; checked at once so a typo fails where it is written. */
export function defineTopology(definition: TopologyDefinition): TopologyDefinition {
  if (!APPLICATION_ID.test(definition.applicationId)) {
    throw new ConfigError(
      `applicationId '${definition.applicationId}' must start with a letter or digit and use only letters, digits, '.', '_' and '-'`,
    );
  }
  if (typeof definition.build !== 'function') throw new ConfigError(`topology '${definition.applicationId}' has no build function`);
  return definition;
}

export function buildTopology(definition: TopologyDefinition, env: TopologyEnvironment): Topology {
  const builder = new StreamsBuilder();
  definition.build(builder, env);
  return builder.build();
}
