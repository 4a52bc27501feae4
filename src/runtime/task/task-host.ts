import { CdcStreamsError } from '../../common/errors.js';
import type { SubTopology } from '../../topology/sub-topology.js';
import type { Topology } from '../../topology/topology.js';
import { changelogTopicName } from './stream-task.js';
import type { TaskPort } from './task-port.js';

/** A task to run: one partition of one sub-topology. */
export interface TaskSpec {
  readonly subTopology: SubTopology;
  readonly partition: number;
}

/** One store of a starting task, to bring up to its changelog's end. */
export interface ChangelogRestoreRequest {
  readonly port: TaskPort;
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
}

/**
 * Reads changelogs back into stores (the Kafka restorer; in-memory topics in the test driver): for each
 * request, from the store's checkpoint (`port.changelogOffset`) to the changelog's end, through
 * `port.restore`.
 */
export interface ChangelogReader {
  restore(requests: readonly ChangelogRestoreRequest[]): Promise<void>;
}

export class TasksNotStartedError extends CdcStreamsError {
  constructor(cause: unknown, readonly cleanupErrors: readonly unknown[]) {
    const cleanup = cleanupErrors.length === 0 ? '' : `; closing the opened tasks also failed ${cleanupErrors.length} time(s): ${cleanupErrors.map(String).join('; ')}`;
    super(`starting tasks failed: ${cause instanceof Error ? cause.message : String(cause)}${cleanup}`, { code: 'TASKS_NOT_STARTED', cause });
  }
}

/**
 * The one start-up sequence of tasks, for the Kafka runtime and the TopologyTestDriver alike: open each
 * (stores opened), restore every changelogged store from its changelog, then start each (restore
 * finished, processors initialized — they may read their stores in `init` — RUNNING). If anything
 * fails, the tasks opened so far are closed again, so nothing is left holding stores or threads.
 */
export async function startTasks(
  specs: readonly TaskSpec[],
  open: (spec: TaskSpec) => Promise<TaskPort>,
  changelogs: ChangelogReader,
  topology: Topology,
  applicationId: string,
): Promise<TaskPort[]> {
  const opened: TaskPort[] = [];
  try {
    for (const spec of specs) opened.push(await open(spec));
    const requests: ChangelogRestoreRequest[] = [];
    for (const port of opened) {
      const sub = topology.subTopologies.find((s) => s.id === port.subTopologyId);
      for (const store of sub?.stores ?? []) {
        if (!topology.stores.get(store)?.changelog) continue;
        requests.push({ port, store, topic: changelogTopicName(applicationId, store), partition: port.partition });
      }
    }
    await changelogs.restore(requests);
    for (const port of opened) await port.start();
    return opened;
  } catch (error) {
    const cleanupErrors: unknown[] = [];
    for (const port of opened) await port.close().catch((closeError: unknown) => cleanupErrors.push(closeError));
    throw new TasksNotStartedError(error, cleanupErrors);
  }
}
