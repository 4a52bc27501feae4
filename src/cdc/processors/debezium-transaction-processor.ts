import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import { MissingInputCoordinatesError, ProcessorNotInitializedError } from '../cdc-errors.js';
import type { ChangeEvent } from '../change-event.js';
import type { DebeziumItem } from '../formats/debezium-item.js';
import { DebeziumTransactionTracker } from '../transactions/debezium-transaction-tracker.js';
import { ProgressAnnouncer } from '../watermarks/progress-announcer.js';
import { toEventRecord } from './dts-source-processor.js';

export interface DebeziumTransactionOptions {
  /** The tables (`<db>.<table>`) whose topics are read. */
  readonly dataCollections: ReadonlySet<string>;
  readonly watermarkResendIntervalMs?: number | undefined;
  readonly progressStoreName?: string | undefined;
  readonly inputTopic?: string | undefined;
}

/**
 * The Debezium transaction step (one task: its input has one partition): passes every row on with its
 * event time, and announces each shard's progress as its transactions complete (DebeziumTransactionTracker)
 * — the same watermark control records as a DTS source, so the same resequencer orders the rows of all
 * tables by binlog position. Holds the committed offset at the earliest incomplete transaction.
 */
export class DebeziumTransactionProcessor implements Processor<null, DebeziumItem, null, ChangeEvent> {
  readonly tracker: DebeziumTransactionTracker;
  private readonly announcer: ProgressAnnouncer;
  private context: ProcessorContext<null, ChangeEvent> | undefined;
  private held: string | undefined;

  constructor(options: DebeziumTransactionOptions) {
    this.tracker = new DebeziumTransactionTracker({ dataCollections: options.dataCollections });
    this.announcer = new ProgressAnnouncer({ inputTopic: options.inputTopic, resendIntervalMs: options.watermarkResendIntervalMs, storeName: options.progressStoreName });
  }

  init(context: ProcessorContext<null, ChangeEvent>): void | Promise<void> {
    this.context = context;
    return this.announcer.init(context);
  }

  process(record: StreamRecord<null, DebeziumItem>): void {
    const context = this.context;
    if (context === undefined) throw new ProcessorNotInitializedError('Debezium transaction');
    const at = context.recordMetadata();
    if (at === undefined) throw new MissingInputCoordinatesError(context.nodeName);
    this.announcer.observeTopic(at.topic);
    const step = this.tracker.accept(record.value, at.offset);
    for (const event of step.events) context.forward(toEventRecord(event));
    if (step.progress !== undefined) this.announcer.advance([step.progress], record.timestamp);
    const hold = this.tracker.heldOffset();
    if (hold !== this.held) {
      this.held = hold;
      context.holdCommittableOffset(hold);
    }
  }

  onBatchEnd(): void {
    this.announcer.flush();
  }

  close(): void {
    this.announcer.close();
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return { ...this.tracker.metrics, watermarksSent: this.announcer.sent };
  }
}
