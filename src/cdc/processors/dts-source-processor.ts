import { CdcStreamsError, type RecordCoordinates } from '../../common/errors.js';
import type { Processor, ProcessorSupplier } from '../../processor/processor.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Cancellable } from '../../processor/punctuation.js';
import { streamRecord, type StreamRecord } from '../../processor/stream-record.js';
import {
  AbandonedChunkGroupError,
  MissingInputCoordinatesError,
  ProcessorNotInitializedError,
  TombstoneInputError,
  UndecodableMessageError,
} from '../cdc-errors.js';
import type { ChangeEvent } from '../change-event.js';
import { decodeEntries, decodeEnvelope, normalizeTransaction, type DtsEntry, type NormalizeOptions } from '../dts/index.js';
import { minOffset } from '../offsets.js';
import type { AbandonedGroup, CompletedGroup } from '../reassembly/chunk-piece.js';
import { EnvelopeReassembler, type ReassemblyOptions } from '../reassembly/envelope-reassembler.js';
import type { TransactionAnomaly } from '../transactions/transaction-entry.js';
import { TransactionGrouper } from '../transactions/transaction-grouper.js';
import { PartitionProgress } from '../watermarks/partition-progress.js';
import { watermarkControlRecord } from '../watermarks/watermark-control.js';
import type { ShardProgress } from '../watermarks/shard-progress.js';
import { deadLetterRecord, type DeadLetterSink, type RawMessage } from './dead-letter.js';

/** One shard's progress as the progress store keeps it (GTID sequence as a decimal string). */
export interface StoredProgress {
  readonly gtidSequence: string;
  readonly timestamp: number;
}

export interface DtsSourceOptions {
  /** Receives raw messages that cannot be used, with dead-letter headers (docs/design.md 6). */
  readonly deadLetters: DeadLetterSink;
  readonly reassembly?: ReassemblyOptions;
  readonly normalize?: NormalizeOptions;
  /** Told about entries that break the transaction grammar (they are counted and skipped). */
  readonly onAnomaly?: (anomaly: TransactionAnomaly, at: RecordCoordinates) => void;
  /**
   * Wall-clock interval at which this partition's progress is re-sent even when unchanged, so a
   * restarted downstream resequencer catches up without waiting for a heartbeat. Default 5000; 0: never.
   */
  readonly watermarkResendIntervalMs?: number;
  /**
   * A store where this partition's progress is kept, so a restarted task can announce it at once. Without
   * it, a partition whose input was fully committed before a crash has nothing to re-read and nothing to
   * report, and holds its shards' watermarks until the next heartbeat arrives.
   */
  readonly progressStoreName?: string;
  /** The input topic's name, for progress re-sent before the first record of a restarted task. */
  readonly inputTopic?: string;
  /**
   * How often (wall clock) progress waiting for a fresher partition count is checked (default 100 ms).
   * Progress is announced only with a partition count read after it was observed (partition growth).
   */
  readonly confirmCheckIntervalMs?: number;
}

/** Progress observed at the end of a batch, waiting for a partition count read after it. */
interface PendingProgress {
  /** The metadata read (InputPartitionsReading.countRead) that confirms it. */
  readonly confirmAt: number;
  readonly shards: readonly ShardProgress[];
}

/** Counters of the source step beyond those of its state machines. */
export interface DtsSourceMetrics {
  undecodableMessages: number;
  deadLetters: number;
  untranslatableTransactions: number;
  watermarksSent: number;
  /** Progress snapshots waiting for a partition count read after them (gauge). */
  progressAwaitingPartitionCount: number;
}

/**
 * One input partition of raw DTS bytes (docs/design.md 3.1-3.2): Envelope → reassembly → Entries →
 * transaction grouping → ChangeEvents, forwarded per committed transaction with their event time,
 * followed by a watermark control record with this partition's per-shard progress whenever it moved.
 * The committable offset is held at the earliest of the open chunk group and the oldest open
 * transaction, so a crash re-reads what was still in memory (rewind, not persist).
 *
 * Dead letters: a message that is not an Envelope; every message of an abandoned chunk group; every
 * message of a group whose joined bytes are not an Entries, or that completed a transaction that
 * cannot be normalized (its rows are skipped; the error names the transaction).
 */
export class DtsSourceProcessor implements Processor<Buffer | null, Buffer, null, ChangeEvent> {
  readonly reassembler: EnvelopeReassembler<RawMessage>;
  readonly grouper: TransactionGrouper<DtsEntry>;
  readonly metrics: DtsSourceMetrics = {
    undecodableMessages: 0,
    deadLetters: 0,
    untranslatableTransactions: 0,
    watermarksSent: 0,
    progressAwaitingPartitionCount: 0,
  };
  private readonly progress = new PartitionProgress();
  private context: ProcessorContext<null, ChangeEvent> | undefined;
  private resend: Cancellable | undefined;
  private confirmCheck: Cancellable | undefined;
  /** Oldest first; at most one per metadata read, since snapshots waiting for the same read merge. */
  private readonly pending: PendingProgress[] = [];
  /** The progress last announced, with the partition count confirmed for it: what the resend repeats. */
  private announced: { readonly shards: readonly ShardProgress[]; readonly partitionCount: number } | undefined;
  private topic: string | undefined;
  private held: string | undefined;
  private coordinates: RecordCoordinates | undefined;
  private progressStore: KeyValueStore<string, StoredProgress> | undefined;
  /** Set when this partition's progress moved since it was last sent: the timestamp to send it with. */
  private progressTimestamp: number | undefined;

  constructor(private readonly options: DtsSourceOptions) {
    this.reassembler = new EnvelopeReassembler<RawMessage>(options.reassembly);
    this.grouper = new TransactionGrouper<DtsEntry>({
      onAnomaly: (anomaly) => options.onAnomaly?.(anomaly, this.coordinates ?? { topic: this.topic ?? '?', partition: -1, offset: anomaly.offset }),
    });
  }

  init(context: ProcessorContext<null, ChangeEvent>): void | Promise<void> {
    this.context = context;
    this.topic ??= this.options.inputTopic;
    const interval = this.options.watermarkResendIntervalMs ?? 5000;
    if (interval > 0) this.resend = context.schedule(interval, 'wall-clock', (now) => this.resendWatermark(now));
    this.confirmCheck = context.schedule(this.options.confirmCheckIntervalMs ?? 100, 'wall-clock', (now) => {
      this.announceConfirmed(now);
    });
    if (this.options.progressStoreName === undefined) return undefined;
    this.progressStore = context.getStateStore<string, StoredProgress>(this.options.progressStoreName);
    return this.restoreProgress(this.progressStore);
  }

  private async restoreProgress(store: KeyValueStore<string, StoredProgress>): Promise<void> {
    for await (const { key, value } of store.all()) {
      this.progress.advance({ serverId: key, gtidSequence: BigInt(value.gtidSequence), timestamp: value.timestamp });
    }
    // Announced once a partition count read after this start confirms it.
    if (this.progress.size > 0) this.observeProgress();
  }

  process(record: StreamRecord<Buffer | null, Buffer>): void {
    const context = this.requireContext();
    const metadata = context.recordMetadata();
    if (metadata === undefined) throw new MissingInputCoordinatesError(context.nodeName);
    this.topic = metadata.topic;
    this.coordinates = metadata;
    const raw: RawMessage = { key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers };
    let moved = false;
    let envelope;
    // Typed as bytes, but a topic can hold tombstones all the same.
    if ((record.value as Buffer | null) === null) {
      this.metrics.undecodableMessages++;
      this.deadLetter(raw, metadata.offset, new TombstoneInputError(metadata));
    } else {
      try {
        envelope = decodeEnvelope(record.value, metadata);
      } catch (error) {
        this.metrics.undecodableMessages++;
        this.deadLetter(raw, metadata.offset, new UndecodableMessageError('DTS Envelope', metadata, error));
      }
    }
    if (envelope !== undefined) {
      const step = this.reassembler.accept(envelope, metadata.offset, raw);
      if (step.abandoned !== undefined) this.deadLetterAbandoned(step.abandoned, metadata.topic, metadata.partition);
      if (step.completed !== undefined) moved = this.processEntries(step.completed, metadata.topic, metadata.partition, context);
    }
    const hold = minOffset(this.reassembler.openGroupOffset(), this.grouper.openTransactionOffset());
    if (hold !== this.held) {
      this.held = hold;
      context.holdCommittableOffset(hold);
    }
    // Progress goes out once per batch (onBatchEnd), after the data it covers: one control record per
    // fetched batch instead of one per message keeps the repartition topic mostly data.
    if (moved) this.progressTimestamp = record.timestamp;
  }

  onBatchEnd(): void {
    if (this.progressTimestamp === undefined) return;
    const timestamp = this.progressTimestamp;
    this.progressTimestamp = undefined;
    if (this.progressStore !== undefined) {
      for (const shard of this.progress.snapshot()) {
        this.progressStore.put(shard.serverId, { gtidSequence: shard.gtidSequence.toString(), timestamp: shard.timestamp });
      }
    }
    this.observeProgress();
    this.announceConfirmed(timestamp);
  }

  close(): void {
    this.resend?.cancel();
    this.confirmCheck?.cancel();
  }

  private processEntries(group: CompletedGroup<RawMessage>, topic: string, partition: number, context: ProcessorContext<null, ChangeEvent>): boolean {
    const at = { topic, partition, offset: group.firstOffset };
    let entries: DtsEntry[];
    try {
      entries = decodeEntries(group.data, at);
    } catch (error) {
      this.metrics.undecodableMessages++;
      const failure = new UndecodableMessageError('DTS Entries', at, error);
      for (const message of group.messages) this.deadLetter(message.raw, message.offset, failure);
      return false;
    }
    let moved = false;
    let failed = false;
    for (const entry of entries) {
      const step = this.grouper.accept(entry, group.firstOffset);
      if (step === undefined) continue;
      if (step.committed !== undefined) {
        let events: ChangeEvent[] = [];
        try {
          events = normalizeTransaction(step.committed.entries, { topic, partition, offset: step.committed.beginOffset }, this.options.normalize);
        } catch (error) {
          if (!(error instanceof CdcStreamsError)) throw error;
          this.metrics.untranslatableTransactions++;
          // Once per group: the group's raw messages carry the COMMIT and the error names the transaction.
          if (!failed) for (const message of group.messages) this.deadLetter(message.raw, message.offset, error);
          failed = true;
        }
        for (const event of events) context.forward(streamRecord(null, event, event.source.timestamp));
      }
      if (step.progress !== undefined && this.progress.advance(step.progress)) moved = true;
    }
    return moved;
  }

  /**
   * Notes the partition's progress now; it is announced once the input's partition count has been
   * read by a metadata read that began after this moment. Then the count it goes out with includes
   * every partition the topic had when the progress was observed — and a producer writes a row to a
   * new partition only after the topic grew, so no announcement can carry a watermark past a row on
   * a partition that the count leaves out (docs/cdc.md, "Partition growth").
   */
  private observeProgress(): void {
    const confirmAt = this.requireContext().inputPartitions().readsStarted + 1;
    const shards = this.progress.snapshot();
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && last.confirmAt === confirmAt) this.pending[this.pending.length - 1] = { confirmAt, shards };
    else this.pending.push({ confirmAt, shards });
    this.metrics.progressAwaitingPartitionCount = this.pending.length;
  }

  /** Announces the newest pending progress that a partition count read has confirmed; false if none. */
  private announceConfirmed(timestamp: number): boolean {
    if (this.pending.length === 0) return false;
    const context = this.requireContext();
    const reading = context.inputPartitions();
    let newest = -1;
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i]!.confirmAt <= reading.countRead) newest = i;
    if (newest < 0) return false;
    const { shards } = this.pending[newest]!;
    this.pending.splice(0, newest + 1);
    this.metrics.progressAwaitingPartitionCount = this.pending.length;
    this.announced = { shards, partitionCount: Math.max(reading.count, context.partition + 1) };
    this.sendWatermark(timestamp);
    return true;
  }

  /** The wall-clock resend: what was last announced, again, so a restarted downstream catches up. */
  private resendWatermark(now: number): void {
    if (!this.announceConfirmed(now)) this.sendWatermark(now);
  }

  private sendWatermark(timestamp: number): void {
    const context = this.requireContext();
    const announced = this.announced;
    if (this.topic === undefined || announced === undefined || announced.shards.length === 0) return;
    const control = {
      type: 'watermark' as const,
      inputTopic: this.topic,
      inputPartition: context.partition,
      partitionCount: announced.partitionCount,
      shards: announced.shards,
    };
    this.metrics.watermarksSent++;
    context.forwardControl(watermarkControlRecord(control, timestamp));
  }

  private deadLetterAbandoned(group: AbandonedGroup<RawMessage>, topic: string, partition: number): void {
    const first = group.messages[0];
    if (first === undefined) return;
    const error = new AbandonedChunkGroupError(group.reason, { topic, partition, offset: first.offset }, group.messages.length);
    for (const message of group.messages) this.deadLetter(message.raw, message.offset, error);
  }

  private deadLetter(message: RawMessage, offset: string, error: Error): void {
    const context = this.requireContext();
    this.metrics.deadLetters++;
    this.options.deadLetters(deadLetterRecord(message, { topic: this.topic ?? '?', partition: context.partition, offset }, error));
  }

  private requireContext(): ProcessorContext<null, ChangeEvent> {
    if (this.context === undefined) throw new ProcessorNotInitializedError('dts source');
    return this.context;
  }
}

export function dtsSourceProcessor(options: DtsSourceOptions): ProcessorSupplier<Buffer | null, Buffer, null, ChangeEvent> {
  return () => new DtsSourceProcessor(options);
}
