import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import {
  buildTopology,
  CdcStreamsError,
  createTopologyEnvironment,
  type Topology,
  type TopologyDefinition,
} from '../index.js';

/** The topology file cannot be used: missing, does not load, or its default export is not a topology. */
export class TopologyLoadError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'TOPOLOGY_LOAD', cause });
  }
}

export interface TopologySettings {
  /** Folder of `.avsc` files (default `schemas`). */
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
 * would then differ from the ones the CLI builds with.
 */
export async function loadTopologyDefinition(file: string): Promise<TopologyDefinition> {
  const path = resolve(file);
  try {
    await access(path);
  } catch (error) {
    throw new TopologyLoadError(`topology file '${file}' not found`, error);
  }
  const unregister = register();
  let module: unknown;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new TopologyLoadError(`cannot load topology file '${file}': ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
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

/** Loads the file and builds its topology; an invalid graph comes back as its list of problems, not an exception. */
export async function loadTopology(file: string, settings: TopologySettings = {}): Promise<LoadedTopology> {
  const definition = await loadTopologyDefinition(file);
  const env = await createTopologyEnvironment({
    ...(settings.schemasDir === undefined ? {} : { schemasDir: settings.schemasDir }),
    ...(settings.schemaRegistryUrl === undefined ? {} : { schemaRegistryUrl: settings.schemaRegistryUrl }),
    params: settings.params ?? {},
  });
  try {
    return { ok: true, definition, topology: buildTopology(definition, env) };
  } catch (error) {
    const problems = topologyProblems(error);
    if (problems === undefined) throw error;
    return { ok: false, definition, problems };
  }
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
