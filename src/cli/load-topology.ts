import { existsSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import {
  AvroSchemaError,
  buildTopology,
  CdcStreamsError,
  createTopologyEnvironment,
  type Topology,
  type TopologyDefinition,
} from '../index.js';
import { CliUsageError } from './cli-errors.js';
import { activateTopologyModuleHooks } from './topology-module-hooks.js';
import { TrackedParams } from './topology-params.js';

/** The topology file cannot be used: missing, does not load, or its default export is not a topology. */
export class TopologyLoadError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'TOPOLOGY_LOAD', cause });
  }
}

export interface TopologySettings {
  /** Folder of `.avsc` files; default: the nearest `schemas/` at or above the topology file's folder (`schemasDirFor`). */
  readonly schemasDir?: string;
  readonly schemaRegistryUrl?: string;
  /** `--set key=value` parameters. */
  readonly params?: Readonly<Record<string, string>>;
}

export type LoadedTopology =
  | { readonly ok: true; readonly definition: TopologyDefinition; readonly topology: Topology }
  | { readonly ok: false; readonly definition: TopologyDefinition; readonly problems: readonly string[] };

/**
 * Imports a `.ts` or `.js` topology file and returns its default export. TypeScript runs without a
 * build through tsx's loader hooks. They are registered globally rather than with `tsImport`, whose
 * private namespace would load a second copy of cdc-streams for the file: its classes and sentinels
 * would then differ from the ones the CLI builds with. For the same reason the file's `cdc-streams`
 * imports resolve to the CLI's own copy, and it loads as an ES module whatever its folder's
 * package.json says (topology-module-hooks.ts).
 */
export async function loadTopologyDefinition(file: string): Promise<TopologyDefinition> {
  const path = resolve(file);
  try {
    await access(path);
  } catch (error) {
    throw new TopologyLoadError(`topology file '${file}' not found`, error);
  }
  const unregister = register();
  const deactivateHooks = activateTopologyModuleHooks();
  let module: unknown;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new TopologyLoadError(`cannot load topology file '${file}': ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
    deactivateHooks();
    await unregister();
  }
  if (typeof module !== 'object' || module === null || !('default' in module) || module.default === undefined) {
    throw new TopologyLoadError(`topology file '${file}' has no default export: end it with \`export default defineTopology({ ... })\``);
  }
  const definition = module.default;
  if (!isTopologyDefinition(definition)) {
    throw new TopologyLoadError(
      `the default export of '${file}' is not a topology definition: expected defineTopology({ applicationId, build })`,
    );
  }
  return definition;
}

/**
 * Loads the file and builds its topology; an invalid graph comes back as its list of problems, not an
 * exception. A `--set` key the build never read is a usage error naming it and the keys it did read.
 */
export async function loadTopology(file: string, settings: TopologySettings = {}): Promise<LoadedTopology> {
  const definition = await loadTopologyDefinition(file);
  const schemasDir = settings.schemasDir ?? schemasDirFor(file);
  const params = new TrackedParams(settings.params ?? {});
  const env = await createTopologyEnvironment({
    schemasDir,
    ...(settings.schemaRegistryUrl === undefined ? {} : { schemaRegistryUrl: settings.schemaRegistryUrl }),
    params: params.values,
  });
  let loaded: LoadedTopology;
  try {
    loaded = { ok: true, definition, topology: buildTopology(definition, env) };
  } catch (error) {
    const problems = topologyProblems(error);
    if (problems === undefined) throw explainSchemaError(error, file, settings.schemasDir !== undefined);
    loaded = { ok: false, definition, problems };
  }
  const unread = params.unread();
  if (unread.length > 0) {
    const known = params.readKeys();
    throw new CliUsageError(
      `unknown topology parameter${unread.length === 1 ? '' : 's'} ${unread.map((k) => `'${k}'`).join(', ')} (--set): ` +
        (known.length === 0 ? `${file} reads no parameters` : `${file} reads ${known.join(', ')}`),
    );
  }
  return loaded;
}

/**
 * Where a topology's `avro(...)` serdes find their `.avsc` files when `--schemas` is not given: the
 * nearest `schemas/` folder at or above the topology file's folder, up to the project root (the first
 * folder with a package.json). None found: `schemas/` beside the file, which the error then names.
 */
export function schemasDirFor(topologyFile: string): string {
  const start = dirname(resolve(topologyFile));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'schemas');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) return join(start, 'schemas');
  }
}

function explainSchemaError(error: unknown, file: string, fromFlag: boolean): unknown {
  if (!(error instanceof AvroSchemaError)) return error;
  const hint = fromFlag ? '' : ` (the nearest schemas/ folder at or above the topology's folder; pass --schemas <dir> for another)`;
  return new TopologyLoadError(`topology ${file} uses Avro: ${error.message}${hint}`, error);
}

/** The problems a TopologyError lists (one per `  - ` line), or undefined for any other error. */
export function topologyProblems(error: unknown): string[] | undefined {
  // By code, not instanceof: a topology file may still have loaded its own copy of the library.
  if (!(error instanceof Error) || (error as Partial<CdcStreamsError>).code !== 'TOPOLOGY_INVALID') return undefined;
  const listed = error.message
    .split('\n')
    .filter((line) => line.startsWith('  - '))
    .map((line) => line.slice(4));
  return listed.length > 0 ? listed : [error.message];
}

function isTopologyDefinition(value: unknown): value is TopologyDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof TopologyDefinition, unknown>>;
  return typeof candidate.applicationId === 'string' && typeof candidate.build === 'function';
}

/** How the problems are printed by `validate`, `describe` and `run`. */
export function formatTopologyProblems(file: string, problems: readonly string[]): string {
  return [`invalid topology ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, ...problems.map((p) => `  - ${p}`)].join('\n');
}
