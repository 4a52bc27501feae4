import type { KeyValueStore } from '../state/key-value-store.js';
import type { Cancellable, PunctuationType, Punctuator } from './punctuation.js';
import type { RecordMetadata, StreamRecord } from './stream-record.js';

/**
 * The input topic's partition count as last read, and how fresh that reading is. Reads of the topic's
 * metadata are numbered as they start: `count` came from read number `countRead`, so it reflects every
 * partition added before that read began; `readsStarted` reads have begun so far. A processor that
 * observes something now (say, CDC progress) and must know whether partitions were added by then waits
 * until `countRead` reaches the `readsStarted + 1` it saw at that moment.
 */
export interface InputPartitionsReading {
  readonly count: number;
  readonly countRead: number;
  readonly readsStarted: number;
}

export interface ProcessorContext<KOut, VOut> {
  readonly applicationId: string;
  /** `<subtopology>_<partition>`, as Kafka Streams names tasks. */
  readonly taskId: string;
  /** The input partition this task owns. */
  readonly partition: number;
  /** The name of the node this context belongs to. */
  readonly nodeName: string;

  /** Metadata of the input record being processed; `undefined` inside a punctuation. */
  recordMetadata(): RecordMetadata | undefined;

  /** Sends a record to all children, or only to the child named `childName`. */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;

  /**
   * Sends a control record downstream. Processors without `processControl` pass it on; a sink
   * writing to a repartition topic writes it to every partition of that topic. The value must be a
   * `Buffer`: control records cross topics as raw bytes, and arrive as bytes on the other side.
   */
  forwardControl(record: StreamRecord<unknown, unknown>): void;

  /** A store connected to this processor by name; throws naming the node if it is not. */
  getStateStore<K, V>(name: string): KeyValueStore<K, V>;

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;

  /** The largest input timestamp the task has seen (ms), or -Infinity before the first. */
  currentStreamTime(): number;
  currentSystemTime(): number;

  /**
   * Keeps the committed input offset of this task at or below `offset` until released with
   * `undefined`: data from `offset` on is re-read after a crash (an open chunk group or transaction).
   * Each node holds at most one position; the task commits below the lowest hold.
   */
  holdCommittableOffset(offset: string | undefined): void;

  /** Asks for a commit as soon as the current record is done. */
  requestCommit(): void;

  /** How many partitions the task's input topic has now (it may grow while the application runs). */
  inputPartitionCount(): number;

  /** The same count with how fresh it is (see InputPartitionsReading). */
  inputPartitions(): InputPartitionsReading;

  /**
   * How many task assignments this instance has applied (group rebalances; 0 in the test driver). After
   * one, the tasks reading this task's output may have started afresh on another instance and lost
   * what they had learnt from it: a processor that announces its state downstream (CDC progress)
   * announces it again when this number changes.
   */
  groupRebalances(): number;
}
