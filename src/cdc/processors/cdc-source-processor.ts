import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import { MissingInputCoordinatesError, ProcessorNotInitializedError } from '../cdc-errors.js';
import type { PartitionReader } from '../formats/partition-reader.js';
import { ProgressAnnouncer } from '../watermarks/progress-announcer.js';
import { deadLetterRecord, type RawMessage } from './dead-letter.js';

/** The child node dead letters go to, unless the options name another. */
export const DEAD_LETTERS_CHILD = 'dead-letters';

export interface CdcSourceOptions<Out> {
  /** Makes the reader of this task's input partition; `source` answers for the task once it runs. */
  readonly reader: (source: ReaderSource) => PartitionReader<Out>;
  /** The record each read item is forwarded as. */
  readonly toRecord: (item: Out, raw: RawMessage) => StreamRecord<null, Out>;
  /** The child that gets the items; undefined: every child (only where there is no dead-letter child, as in a unit test). */
  readonly itemsChild?: string | undefined;
  /** The child that gets the raw messages set aside, with dead-letter headers (docs/design.md 6). */
  readonly deadLettersChild?: string | undefined;
  /** The input topic's name, for progress re-sent before the first record of a restarted task. */
  readonly inputTopic?: string | undefined;
  /** See ProgressAnnouncerOptions. */
  readonly watermarkResendIntervalMs?: number | undefined;
  readonly progressStoreName?: string | undefined;
}

/** What a reader may ask of the task it runs in. */
export interface ReaderSource {
  /** The input topic's partition count now (1 before the task runs). */
  inputPartitionCount(): number;
}

/** Counters of the source step beyond those of its reader. */
export interface CdcSourceMetrics {
  deadLetters: number;
  watermarksSent: number;
}

/**
 * One input partition of a CDC topic, any format: the format's PartitionReader turns each raw message
 * into items (change events, or what a later step groups), progress and rejected messages. Items go to
 * the items child; rejected raw messages go, byte for byte with headers naming topic, partition, offset
 * and the error, to the dead-letter child; progress goes out as watermark control records once per
 * batch (ProgressAnnouncer). The committable offset is held where the reader still needs input.
 */
export class CdcSourceProcessor<Out> implements Processor<Buffer | null, Buffer, Buffer | null, Out | Buffer> {
  readonly metrics: CdcSourceMetrics = { deadLetters: 0, watermarksSent: 0 };
  readonly reader: PartitionReader<Out>;
  private readonly announcer: ProgressAnnouncer;
  private context: ProcessorContext<Buffer | null, Out | Buffer> | undefined;
  private topic: string | undefined;
  private held: string | undefined;

  constructor(private readonly options: CdcSourceOptions<Out>) {
    this.reader = options.reader({ inputPartitionCount: () => this.context?.inputPartitionCount() ?? 1 });
    this.topic = options.inputTopic;
    this.announcer = new ProgressAnnouncer({
      inputTopic: options.inputTopic,
      resendIntervalMs: options.watermarkResendIntervalMs,
      storeName: options.progressStoreName,
    });
  }

  init(context: ProcessorContext<Buffer | null, Out | Buffer>): void | Promise<void> {
    this.context = context;
    return this.announcer.init(context);
  }

  process(record: StreamRecord<Buffer | null, Buffer>): void {
    const context = this.requireContext();
    const at = context.recordMetadata();
    if (at === undefined) throw new MissingInputCoordinatesError(context.nodeName);
    this.topic = at.topic;
    this.announcer.observeTopic(at.topic);
    const raw: RawMessage = { key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers };
    const result = this.reader.read(raw, at);
    for (const item of result.items) context.forward(this.options.toRecord(item, raw), this.options.itemsChild);
    for (const rejected of result.rejected) {
      this.metrics.deadLetters++;
      const letter = deadLetterRecord(rejected.raw, { topic: at.topic, partition: at.partition, offset: rejected.offset }, rejected.error);
      context.forward(letter, this.options.deadLettersChild ?? DEAD_LETTERS_CHILD);
    }
    const hold = this.reader.heldOffset();
    if (hold !== this.held) {
      this.held = hold;
      context.holdCommittableOffset(hold);
    }
    this.announcer.advance(result.progress, record.timestamp);
  }

  onBatchEnd(): void {
    this.announcer.flush();
    this.metrics.watermarksSent = this.announcer.sent;
  }

  close(): void {
    this.announcer.close();
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return {
      ...this.metrics,
      watermarksSent: this.announcer.sent,
      progressAwaitingPartitionCount: this.announcer.awaitingPartitionCount,
      ...this.reader.metrics(),
    };
  }

  private requireContext(): ProcessorContext<Buffer | null, Out | Buffer> {
    if (this.context === undefined) throw new ProcessorNotInitializedError(`CDC source${this.topic === undefined ? '' : ` of ${this.topic}`}`);
    return this.context;
  }
}
