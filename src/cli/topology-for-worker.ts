import { resolve } from 'node:path';
import type { Topology } from '../index.js';
import { loadTopology, TopologyLoadError, type TopologySettings } from './load-topology.js';

/** What `cdc-streams run --threads N` hands each stream thread: the topology file and its settings. */
export interface TopologyForWorkerArgs {
  readonly file: string;
  readonly settings: TopologySettings;
}

/** The module `--threads` names to the runtime: each stream thread builds the topology from the same file. */
export const TOPOLOGY_FOR_WORKER_MODULE = import.meta.url;

export function topologyForWorkerArgs(file: string, settings: TopologySettings): TopologyForWorkerArgs {
  return { file: resolve(file), settings };
}

/** Called in a stream thread (StreamsAppOptions.workerTopology): loads and builds the topology again. */
export async function topologyForWorker(args: TopologyForWorkerArgs): Promise<Topology> {
  const loaded = await loadTopology(args.file, args.settings);
  if (!loaded.ok) throw new TopologyLoadError(`topology file '${args.file}' is not valid in a stream thread: ${loaded.problems.join('; ')}`);
  return loaded.topology;
}
