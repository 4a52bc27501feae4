import type { Command } from 'commander';
import { CliUsageError } from './cli-errors.js';
import { addConfigOption, httpUrlSchema, type CliConfig, type ConfigFlags } from './cli-config.js';
import type { TopologySettings } from './load-topology.js';
import { collectParam } from './option-parsers.js';

export interface TopologyFlags extends ConfigFlags {
  readonly schemas?: string;
  readonly schemaRegistry?: string;
  readonly set?: Readonly<Record<string, string>>;
}

/** The flags of commands that load a topology file. */
export function addTopologyOptions(command: Command): Command {
  return addConfigOption(command)
    .option('--schemas <dir>', "folder of the .avsc files the topology's avro() serdes use (default: the nearest schemas/ at or above the topology file)")
    .option('--schema-registry <url>', 'Confluent-compatible schema registry (default: $SCHEMA_REGISTRY_URL; none: single-object Avro)')
    .option('--set <key=value>', 'a parameter for the topology, read as env.params.key (repeatable)', collectParam);
}

/** Flags, then environment, then config file; a registry URL that is not http(s) is a usage error. */
export function topologySettingsFromFlags(
  flags: TopologyFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
  config: CliConfig = {},
): TopologySettings {
  const schemasDir = flags.schemas ?? config.schemas;
  const registry = schemaRegistryUrlFrom(flags.schemaRegistry, env, config);
  return {
    ...(schemasDir === undefined ? {} : { schemasDir }),
    ...(registry === undefined ? {} : { schemaRegistryUrl: registry }),
    params: { ...config.params, ...flags.set },
  };
}

/** `--schema-registry`, else `$SCHEMA_REGISTRY_URL`, else the config file's `schemaRegistryUrl`; checked to be an http(s) URL. */
export function schemaRegistryUrlFrom(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  config: CliConfig = {},
): string | undefined {
  const fromEnv = env['SCHEMA_REGISTRY_URL'];
  const [url, source] =
    flag !== undefined ? [flag, '--schema-registry'] : fromEnv !== undefined && fromEnv !== '' ? [fromEnv, 'SCHEMA_REGISTRY_URL'] : [config.schemaRegistryUrl, 'schemaRegistryUrl'];
  if (url === undefined) return undefined;
  if (!httpUrlSchema.safeParse(url).success) throw new CliUsageError(`${source} '${url}' is not an http:// or https:// URL`);
  return url;
}
