import type { Command } from 'commander';
import type { TopologySettings } from './load-topology.js';
import { collectParam } from './option-parsers.js';

export interface TopologyFlags {
  readonly schemas: string;
  readonly schemaRegistry?: string;
  readonly set: Readonly<Record<string, string>>;
}

/** The flags of commands that load a topology file. */
export function addTopologyOptions(command: Command): Command {
  return command
    .option('--schemas <dir>', 'folder of .avsc schemas the topology\'s avro() serdes use', 'schemas')
    .option('--schema-registry <url>', 'Confluent-compatible schema registry (default: $SCHEMA_REGISTRY_URL; none: single-object Avro)')
    .option('--set <key=value>', 'a parameter for the topology, read as env.params.key (repeatable)', collectParam, {});
}

export function topologySettingsFromFlags(flags: TopologyFlags, env: Readonly<Record<string, string | undefined>> = process.env): TopologySettings {
  const registry = flags.schemaRegistry ?? env['SCHEMA_REGISTRY_URL'];
  return {
    schemasDir: flags.schemas,
    ...(registry === undefined || registry === '' ? {} : { schemaRegistryUrl: registry }),
    params: flags.set,
  };
}
