import type { OutputRecord } from '../task/input-record.js';
import type { TaskCommitOutcome } from '../task/commit-protocol.js';

/** Where one task's records go: to the shared producer (at_least_once) or the task's own (exactly_once). */
export interface TaskChannel {
  readonly taskId: string;
  /** Buffers records in order and sends them in the background; throws a failure of an earlier send. */
  send(records: readonly OutputRecord[]): void;
}

/** One task's part in a commit: its channel and input offsets (next offset to read, per input topic). */
export interface ChannelCommit {
  readonly channel: TaskChannel;
  readonly partition: number;
  readonly offsets: ReadonlyMap<string, string>;
}

/**
 * The processing guarantee, chosen once when the application starts (docs/runtime.md, "Commits"), as
 * Kafka Streams' StreamsProducer is: at_least_once and exactly_once behind one interface, so nothing
 * else asks which one is running.
 */
export interface ProcessingGuarantee {
  readonly name: 'at_least_once' | 'exactly_once';
  /** Connects what the guarantee needs (at_least_once: the shared producer). */
  start(): Promise<void>;
  /**
   * The channel of a task about to start. exactly_once opens the task's transactional producer here,
   * which fences a previous owner and aborts its open transaction — before the task reads its committed
   * offsets and restores its stores.
   */
  openChannel(taskId: string): Promise<TaskChannel>;
  /**
   * Makes every record sent so far durable and commits the offsets with them: at_least_once flushes the
   * producer, then commits all offsets; exactly_once commits one transaction per task. One outcome per
   * request, in order; a fenced task's outcome says so instead of failing the others.
   */
  commit(requests: readonly ChannelCommit[]): Promise<TaskCommitOutcome[]>;
  /** Drops what a task sent since its last commit where that is possible (exactly_once: abort). */
  abort(channel: TaskChannel): Promise<void>;
  closeChannel(channel: TaskChannel): Promise<void>;
  /** Internal topics grew: producers read fresh metadata before anything is sent to the new partitions. */
  topicsGrew(): Promise<void>;
  /** Records handed to channels, per topic (for metrics). */
  recordsSent(): Record<string, number>;
  close(): Promise<void>;
}
