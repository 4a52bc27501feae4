import type { ProcessorNote } from '../../processor/processor-notes.js';
import type { ChangelogRecordIn } from './changelog-chunks.js';
import type { InputRecord, OutputRecord } from './input-record.js';
import type { ChangelogWrite } from './stream-task.js';
import type { TaskSpec } from './task-host.js';
import type { TaskState } from './task-state.js';

/** Opens tasks: in this thread, or in a worker thread with their stores (docs/runtime.md, "Stream threads"). */
export interface TaskPortFactory {
  open(spec: TaskSpec): Promise<TaskPort>;
  /** Stops what the factory runs (worker threads); every task must be closed first. */
  close(): Promise<void>;
}

/** What one step of a task's work (a batch, a punctuation) gave its host. */
export interface TaskStep {
  /** Records the task wrote — outputs, repartition records, dead letters — in order. */
  readonly outputs: readonly OutputRecord[];
  /** The task asks to be committed soon (a processor asked; a store buffer is full). */
  readonly wantsCommit: boolean;
  /** The task has processed or punctuated since its last commit. */
  readonly dirty: boolean;
}

/** A task's share of a commit, taken at one moment: what must become durable with its input offsets. */
export interface PreparedCommit {
  /** The stores' buffered writes as changelog records; they go after the task's outputs. */
  readonly changelog: readonly ChangelogWrite[];
  /** The next input offset to commit per input topic (never past a processor's hold). */
  readonly offsets: ReadonlyMap<string, string>;
}

/** What the ops layer shows of a task. */
export interface TaskPortSnapshot {
  readonly state: TaskState;
  readonly processors: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly notes: Readonly<Record<string, readonly ProcessorNote[]>>;
}

/**
 * The one way a host reaches a task (docs/runtime.md, "Tasks behind a port"): everything is a message
 * with an answer, so the task may run in this thread or in a worker thread with its stores. The host
 * serializes calls per task; `process` never overlaps `prepareCommit`, and so on.
 *
 * Life: `open` (stores opened) → `restore(...)` per store → `start()` (restore finished, processors
 * initialized: RUNNING) → work and commits → `close()`.
 */
export interface TaskPort {
  readonly taskId: string;
  readonly subTopologyId: number;
  readonly partition: number;
  /** The thread the task runs in (`main`, or `worker-<n>`). */
  readonly thread: string;

  /** Where restore of a changelogged store starts; undefined: the store never checkpointed. */
  changelogOffset(store: string): Promise<string | undefined>;
  /** Applies changelog records read back (log order) with the next offset to read. */
  restore(store: string, records: readonly ChangelogRecordIn[], nextOffset: string): Promise<void>;
  /** Restore is over: processors are initialized and the task runs. */
  start(): Promise<void>;

  process(batch: readonly InputRecord[]): Promise<TaskStep>;
  /** Fires the wall-clock punctuations due now. */
  punctuate(now: number): Promise<TaskStep>;

  /** Step 1 of a commit (see CommitProtocol). */
  prepareCommit(): Promise<PreparedCommit>;
  /**
   * Step 4 of a commit: the stores write their buffers with the next changelog offset each now covers
   * (store name → offset), in one atomic write per store.
   */
  completeCommit(nextChangelogOffsets: ReadonlyMap<string, string>): Promise<void>;

  /** Reads one key of one of the task's stores; the key is the store's key type. */
  query(store: string, key: unknown): Promise<unknown>;
  /** The last snapshot the task gave (cheap: never waits for the task). */
  snapshot(): TaskPortSnapshot;
  /** Estimated sizes of the task's stores. */
  storeSizes(): Promise<ReadonlyArray<{ readonly store: string; readonly entries: number; readonly bytes: number }>>;
  /** Closes processors and stores; unflushed writes are dropped. */
  close(): Promise<void>;
}
