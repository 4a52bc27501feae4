import type { Headers } from '../../common/headers.js';
import type { StoreKind } from '../../topology/store-definition.js';
import type { ErrorPolicies } from '../task/task-errors.js';
import type { TaskPortSnapshot } from '../task/task-port.js';
import type { TaskState } from '../task/task-state.js';
import type { TopicInfoSnapshot } from './topic-info-mirror.js';

/**
 * Where a worker thread gets the topology: a module whose export `topologyForWorker(args)` returns it
 * (functions cannot cross threads, so each thread builds its own copy from the same source).
 */
export interface WorkerTopologySource {
  /** A module path or file URL. */
  readonly module: string;
  /** Structured-cloneable arguments for `topologyForWorker`. */
  readonly args: unknown;
}

/** What a worker thread is started with (workerData). */
export interface WorkerStart {
  readonly thread: string;
  readonly topology: WorkerTopologySource;
  readonly applicationId: string;
  readonly stateDir: string;
  readonly defaultStoreKind: StoreKind;
  readonly errorPolicies: ErrorPolicies;
  readonly deadLetterTopic: string;
  readonly maxBufferedEntriesPerStore: number | undefined;
  readonly topics: TopicInfoSnapshot;
}

/** Requests from the main thread, one reply each (matched by `id`). */
export type WorkerRequest = { readonly id: number } & (
  | { readonly type: 'open'; readonly subTopologyId: number; readonly partition: number }
  | { readonly type: 'changelog-offset'; readonly taskId: string; readonly store: string }
  | { readonly type: 'restore'; readonly taskId: string; readonly store: string; readonly records: ArrayBuffer; readonly nextOffset: string }
  | { readonly type: 'start'; readonly taskId: string }
  | { readonly type: 'process'; readonly taskId: string; readonly records: ArrayBuffer; readonly snapshot: boolean }
  | { readonly type: 'punctuate'; readonly taskId: string; readonly now: number; readonly snapshot: boolean }
  | { readonly type: 'prepare-commit'; readonly taskId: string }
  | { readonly type: 'complete-commit'; readonly taskId: string; readonly offsets: ReadonlyArray<readonly [string, string]> }
  | { readonly type: 'query'; readonly taskId: string; readonly store: string; readonly key: unknown }
  | { readonly type: 'store-sizes'; readonly taskId: string }
  | { readonly type: 'close'; readonly taskId: string }
);

/** Messages the main thread applies in order, without a reply. */
export type WorkerNotice = { readonly type: 'topics'; readonly topics: TopicInfoSnapshot };

export interface StepReply {
  readonly outputs: ArrayBuffer;
  readonly wantsCommit: boolean;
  readonly dirty: boolean;
  readonly snapshot: TaskPortSnapshot | undefined;
}

export interface ErrorReply {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
}

export type WorkerReply = { readonly id: number } & ({ readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ErrorReply });

/** What a worker thread's tasks tell the main thread's observers. */
export type WorkerEvent =
  | { readonly type: 'task-state'; readonly taskId: string; readonly from: TaskState; readonly to: TaskState }
  | { readonly type: 'dead-letter'; readonly taskId: string; readonly topic: string; readonly partition: number; readonly headers: Headers }
  | { readonly type: 'chunk-group-abandoned'; readonly event: { taskId: string; topic: string; writer: string; firstOffset: string; reason: string } };

export type WorkerOutbound = ({ readonly kind: 'reply' } & WorkerReply) | ({ readonly kind: 'event' } & WorkerEvent) | { readonly kind: 'ready' } | { readonly kind: 'failed'; readonly error: ErrorReply };

export function errorReply(error: unknown): ErrorReply {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, stack: error.stack, code: typeof code === 'string' ? code : undefined };
  }
  return { name: 'Error', message: String(error), stack: undefined, code: undefined };
}
