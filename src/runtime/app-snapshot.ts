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

export interface TaskSnapshot {
  readonly taskId: string;
  readonly subTopology: number;
  readonly partition: number;
  readonly state: TaskState;
  readonly recordsProcessed: number;
  /** Metrics of the task's processors, by node name (see `Processor.reportMetrics`). */
  readonly processors: Readonly<Record<string, Readonly<Record<string, number>>>>;
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
}

/** The answer to an interactive query for one key of a store. */
export type StoreQueryResult =
  | { readonly kind: 'found'; readonly value: unknown; readonly partition: number }
  | { readonly kind: 'not-found'; readonly partition: number }
  | { readonly kind: 'remote'; readonly partition: number; readonly owner: string | undefined };

/** What `ops/` needs from a running application. */
export interface OperableApp {
  snapshot(): AppSnapshot;
  queryStore(store: string, key: string): Promise<StoreQueryResult>;
}
