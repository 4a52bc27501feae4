import type { ProcessorNote } from '../processor/processor-notes.js';
import type { TopologyGraph } from '../topology/topology-graph.js';
import type { StoreOwnersReport } from './store-owners.js';
import type { TaskState } from './task/task-state.js';

/** The application's lifecycle; allowed transitions live in `app-state.ts`. */
export type AppState = 'CREATED' | 'STARTING' | 'REBALANCING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'ERROR';

export interface RestoreProgress {
  readonly taskId: string;
  readonly store: string;
  readonly restored: number;
  readonly total: number;
  readonly done: boolean;
}

/** One store of a standby task: the next changelog offset it has applied (docs/runtime.md, "Standby replicas"). */
export interface StandbyProgress {
  readonly taskId: string;
  readonly store: string;
  readonly offset: number;
}

export interface TaskSnapshot {
  readonly taskId: string;
  readonly subTopology: number;
  readonly partition: number;
  readonly state: TaskState;
  readonly recordsProcessed: number;
  /** Metrics of the task's processors, by node name (see `Processor.reportMetrics`). */
  readonly processors: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The thread that runs the task (`main`: the event loop). */
  readonly thread?: string;
  /** The last few notes of the task's processors, by node name (see `Processor.recentNotes`). */
  readonly notes?: Readonly<Record<string, readonly ProcessorNote[]>>;
}

/** One lifecycle transition of a task on this instance. */
export interface TaskTransition {
  readonly at: number;
  readonly taskId: string;
  readonly from: TaskState;
  readonly to: TaskState;
}

/** A rebalance began (`started`), or this instance's new assignment is in place (`assigned`). */
export interface RebalanceEvent {
  readonly at: number;
  readonly kind: 'started' | 'assigned';
  /** The instance's tasks: before the rebalance for `started`, after it for `assigned`. */
  readonly tasks: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** `assigned` only: since the rebalance began. */
  readonly durationMs?: number;
}

/** A record this instance sent to the dead-letter topic, and why (from its dead-letter headers). */
export interface DeadLetterNote {
  readonly at: number;
  readonly taskId: string;
  readonly deadLetterTopic: string;
  readonly sourceTopic: string | undefined;
  readonly sourcePartition: number | undefined;
  readonly sourceOffset: string | undefined;
  readonly errorClass: string | undefined;
  readonly errorMessage: string | undefined;
}

/** The size of one store of one task, estimated by the store. */
export interface StoreSize {
  readonly taskId: string;
  readonly store: string;
  readonly entries: number;
  readonly bytes: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/**
 * What a running application exposes for operations: read by `ops/` for /health and /metrics. A
 * snapshot is a plain value built on demand; nothing in the hot path updates Prometheus objects.
 */
export interface AppSnapshot {
  readonly applicationId: string;
  readonly instanceId: string;
  readonly state: AppState;
  /** True once every assigned task has restored and runs. */
  readonly ready: boolean;
  readonly tasks: readonly TaskSnapshot[];
  readonly recordsIn: Readonly<Record<string, number>>;
  readonly recordsOut: Readonly<Record<string, number>>;
  readonly deadLetters: number;
  readonly commits: { readonly count: number; readonly totalMs: number; readonly lastMs: number; readonly maxMs: number };
  readonly lag: readonly PartitionLag[];
  readonly restore: readonly RestoreProgress[];
  readonly startedAt: number;
  /** `host:port` of this instance's ops server, as shared with the group. */
  readonly endpoint?: string;
  /** The last task lifecycle transitions on this instance, oldest first. */
  readonly taskTransitions?: readonly TaskTransition[];
  /** The last rebalances of this instance, oldest first. */
  readonly rebalances?: readonly RebalanceEvent[];
  /** The last records sent to the dead-letter topic, oldest first. */
  readonly recentDeadLetters?: readonly DeadLetterNote[];
  /** The stores of this instance's standby tasks and how far each has read its changelog. */
  readonly standbys?: readonly StandbyProgress[];
}

/** The answer to an interactive query for one key of a store. */
export type StoreQueryResult =
  | { readonly kind: 'found'; readonly value: unknown; readonly partition: number }
  | { readonly kind: 'not-found'; readonly partition: number }
  | {
      readonly kind: 'remote';
      readonly partition: number;
      /** `host:port` of the instance holding the partition, to ask instead; undefined when none can be asked now. */
      readonly owner: string | undefined;
      /** Why no owner is named, for the answer's message. */
      readonly reason?: string;
    };

/** What `ops/` needs from a running application. */
export interface OperableApp {
  snapshot(): AppSnapshot;
  queryStore(store: string, key: string): Promise<StoreQueryResult>;
  /** The processor graph the application runs, for the dashboard's topology picture. */
  topologyGraph?(): TopologyGraph;
  /** Sizes of this instance's stores, read from the stores when asked (asynchronous: RocksDB). */
  storeSizes?(): Promise<readonly StoreSize[]>;
  /** Which instance holds which partition of each store, from the group's last assignment (`GET /stores`). */
  storeOwners?(): StoreOwnersReport;
}
