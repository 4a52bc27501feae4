import type { ProcessorContext } from './processor-context.js';
import type { ProcessorNote } from './processor-notes.js';
import type { StreamRecord } from './stream-record.js';

/**
 * A node of the processor graph. `process` may return a promise (when it reads a store); a
 * processor that returns nothing costs the engine no promise. Forwarding is done through the
 * context and never needs awaiting: the engine delivers forwarded records to the children, in
 * order, after `process` has finished.
 */
export interface Processor<KIn, VIn, KOut = KIn, VOut = VIn> {
  init?(context: ProcessorContext<KOut, VOut>): void | Promise<void>;
  process(record: StreamRecord<KIn, VIn>): void | Promise<void>;
  /**
   * Called with the records about to reach this processor when a parent forwarded more than one at
   * once (e.g. the resequencer releasing what a watermark covers), before the first is processed: the
   * place to read what they need from a store in one round trip (`store.prefetch(keys)`) instead of
   * one per record. Records still arrive one by one through `process`, in order. Control records are
   * not included.
   */
  prefetch?(records: ReadonlyArray<StreamRecord<KIn, VIn>>): void | Promise<void>;
  /**
   * Receives control records (e.g. per-shard watermark progress) that reached this node. A processor
   * without this method lets control records pass through to its children unchanged.
   */
  processControl?(record: StreamRecord<unknown, unknown>): void | Promise<void>;
  /**
   * Called after the task has processed a batch of input records (one fetch from one partition), so a
   * processor can emit what it coalesces per batch (e.g. watermark progress) once instead of per record.
   * In the test driver, every piped record ends a batch.
   */
  onBatchEnd?(): void | Promise<void>;
  close?(): void | Promise<void>;
  /** Counters and gauges the processor keeps (e.g. duplicates dropped); the ops layer exports them. */
  reportMetrics?(): Readonly<Record<string, number>>;
  /** The last few notes for operators (e.g. why events were flagged late), oldest first; the dashboard shows them. */
  recentNotes?(): readonly ProcessorNote[];
}

/** Makes a fresh processor for each task; a topology is instantiated once per task. */
export type ProcessorSupplier<KIn, VIn, KOut = KIn, VOut = VIn> = () => Processor<KIn, VIn, KOut, VOut>;
