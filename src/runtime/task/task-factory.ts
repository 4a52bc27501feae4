import { openStore, storeDirectory, type StoreKind as BytesStoreKind } from '../../state/store-factory.js';
import type { StoreKind } from '../../topology/store-definition.js';
import type { SubTopology } from '../../topology/sub-topology.js';
import type { Topology } from '../../topology/topology.js';
import type { ManagedStore } from './managed-store.js';
import type { RecordCollector } from './record-collector.js';
import { StreamTask, taskIdOf, type StreamTaskOptions } from './stream-task.js';
import type { ErrorPolicies } from './task-errors.js';
import type { TaskObserver } from './task-observer.js';

export interface TaskFactoryOptions {
  readonly applicationId: string;
  readonly topology: Topology;
  readonly stateDir: string;
  /** Kind for stores that do not choose one. */
  readonly defaultStoreKind: StoreKind;
  readonly collector: RecordCollector;
  readonly clock: () => number;
  readonly errorPolicies: ErrorPolicies;
  readonly deadLetterTopic: string;
  readonly maxBufferedEntriesPerStore?: number;
  readonly onChunkGroupAbandoned?: StreamTaskOptions['onChunkGroupAbandoned'];
  /** Told of task transitions and of every record the task hands over for the dead-letter topic. */
  readonly observer?: TaskObserver;
  /** Read-only views of the instance's global stores. */
  readonly globalStores?: StreamTaskOptions['globalStores'];
}

function bytesStoreKind(kind: StoreKind): BytesStoreKind {
  return kind === 'persistent' ? 'rocksdb' : 'in-memory';
}

/** Opens a task's stores and builds the task; the host restores the stores before it runs. */
export async function createTask(
  options: TaskFactoryOptions,
  subTopology: SubTopology,
  partition: number,
  inputPartitions: StreamTaskOptions['inputPartitions'],
  groupRebalances?: StreamTaskOptions['groupRebalances'],
): Promise<StreamTask> {
  const taskId = taskIdOf(subTopology.id, partition);
  const stores = new Map<string, ManagedStore>();
  try {
    for (const name of subTopology.stores) {
      const definition = options.topology.stores.get(name)!;
      const kind = bytesStoreKind(definition.kind ?? options.defaultStoreKind);
      const store = await openStore({
        name,
        kind,
        dir: kind === 'rocksdb' ? storeDirectory(options.stateDir, taskId, name) : undefined,
        keySerde: definition.keySerde,
        valueSerde: definition.valueSerde,
        ...(options.maxBufferedEntriesPerStore === undefined ? {} : { maxBufferedEntries: options.maxBufferedEntriesPerStore }),
      });
      stores.set(name, store);
    }
    return await StreamTask.create({
      applicationId: options.applicationId,
      topology: options.topology,
      subTopology,
      partition,
      collector: options.collector,
      stores,
      clock: options.clock,
      errorPolicies: options.errorPolicies,
      deadLetterTopic: options.deadLetterTopic,
      inputPartitions,
      ...(groupRebalances === undefined ? {} : { groupRebalances }),
      ...(options.onChunkGroupAbandoned === undefined ? {} : { onChunkGroupAbandoned: options.onChunkGroupAbandoned }),
      ...(options.observer === undefined ? {} : { observer: options.observer }),
      ...(options.globalStores === undefined ? {} : { globalStores: options.globalStores }),
    });
  } catch (error) {
    await Promise.allSettled([...stores.values()].map((s) => s.close()));
    throw error;
  }
}
