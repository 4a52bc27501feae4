import type { SubTopology } from '../../topology/sub-topology.js';
import type { TaskPort } from '../task/task-port.js';
import type { TaskChannel } from './processing-guarantee.js';

/** A task this instance runs, with what the consumer loop keeps beside it. */
export interface RunningTask {
  readonly key: string;
  readonly sub: SubTopology;
  readonly port: TaskPort;
  /** Where the task's records go (the guarantee's). */
  readonly channel: TaskChannel;
  /** Next offset to process per input topic: records below it (a stale fetch) are skipped. */
  readonly expected: Map<string, bigint>;
  /**
   * Next offset per input topic as the group holds it: read when the task started, then each offset a
   * commit of this instance made durable (never one of an aborted or failed commit). What purging uses.
   */
  readonly committed: Map<string, bigint>;
  recordsProcessed: number;
  /** The task processed or punctuated since its last commit (from its last step). */
  dirty: boolean;
  /** The task asked for an early commit (from its last step). */
  wantsCommit: boolean;
  /** Work on one task runs one step after another even when two of its topics deliver at once. */
  chain: Promise<void>;
}
