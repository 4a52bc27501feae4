import { CdcStreamsError, type RecordCoordinates } from '../../common/errors.js';
import { AbandonedChunkGroupError, TombstoneInputError, UndecodableMessageError } from '../cdc-errors.js';
import type { ChangeEvent } from '../change-event.js';
import { decodeEntries, decodeEnvelope, normalizeTransaction, type DtsEntry, type NormalizeOptions } from '../dts/index.js';
import { minOffset } from '../offsets.js';
import type { RawMessage } from '../processors/dead-letter.js';
import type { AbandonedGroup, CompletedGroup } from '../reassembly/chunk-piece.js';
import { EnvelopeReassembler, type ReassemblyOptions } from '../reassembly/envelope-reassembler.js';
import type { TransactionAnomaly } from '../transactions/transaction-entry.js';
import { TransactionGrouper } from '../transactions/transaction-grouper.js';
import type { ShardProgress } from '../watermarks/shard-progress.js';
import type { PartitionReader, ReadResult, RejectedMessage } from './partition-reader.js';

export interface DtsReaderOptions {
  readonly reassembly?: ReassemblyOptions | undefined;
  readonly normalize?: NormalizeOptions | undefined;
  /** Told about entries that break the transaction grammar (they are counted and skipped). */
  readonly onAnomaly?: ((anomaly: TransactionAnomaly, at: RecordCoordinates) => void) | undefined;
}

/**
 * The DTS format (docs/design.md 1, 3.1-3.2): Envelope → reassembly → Entries → transaction grouping →
 * ChangeEvents per committed transaction; progress from committed transactions and heartbeats. Holds
 * input from the open chunk group and the oldest open transaction on.
 *
 * Rejected: a message that is not an Envelope (a tombstone's reason says it is one); every message of
 * an abandoned chunk group; every message of a group whose joined bytes are not an Entries, or that
 * completed a transaction that cannot be normalized (its rows are skipped; the error names the
 * transaction).
 */
export class DtsReader implements PartitionReader<ChangeEvent> {
  readonly reassembler: EnvelopeReassembler<RawMessage>;
  readonly grouper: TransactionGrouper<DtsEntry>;
  readonly counters = { undecodableMessages: 0, untranslatableTransactions: 0 };
  private at: RecordCoordinates | undefined;

  constructor(private readonly options: DtsReaderOptions = {}) {
    this.reassembler = new EnvelopeReassembler<RawMessage>(options.reassembly);
    this.grouper = new TransactionGrouper<DtsEntry>({
      onAnomaly: (anomaly) => options.onAnomaly?.(anomaly, this.at ?? { topic: '?', partition: -1, offset: anomaly.offset }),
    });
  }

  read(raw: RawMessage, at: RecordCoordinates): ReadResult<ChangeEvent> {
    this.at = at;
    const events: ChangeEvent[] = [];
    const progress: ShardProgress[] = [];
    const rejected: RejectedMessage[] = [];
    let envelope;
    // Typed as bytes, but a topic can hold tombstones all the same.
    if ((raw.value as Buffer | null) === null) {
      this.counters.undecodableMessages++;
      rejected.push({ raw, offset: at.offset, error: new TombstoneInputError(at) });
    } else {
      try {
        envelope = decodeEnvelope(raw.value, at);
      } catch (error) {
        this.counters.undecodableMessages++;
        rejected.push({ raw, offset: at.offset, error: new UndecodableMessageError('DTS Envelope', at, error) });
      }
    }
    if (envelope !== undefined) {
      const step = this.reassembler.accept(envelope, at.offset, raw);
      if (step.abandoned !== undefined) rejectAbandoned(step.abandoned, at, rejected);
      if (step.completed !== undefined) this.readEntries(step.completed, at, events, progress, rejected);
    }
    return { items: events, progress, rejected };
  }

  heldOffset(): string | undefined {
    return minOffset(this.reassembler.openGroupOffset(), this.grouper.openTransactionOffset());
  }

  metrics(): Readonly<Record<string, number>> {
    return { ...this.counters, ...numericFields(this.reassembler.metrics), ...numericFields(this.grouper.metrics) };
  }

  private readEntries(group: CompletedGroup<RawMessage>, at: RecordCoordinates, events: ChangeEvent[], progress: ShardProgress[], rejected: RejectedMessage[]): void {
    const first = { topic: at.topic, partition: at.partition, offset: group.firstOffset };
    let entries: DtsEntry[];
    try {
      entries = decodeEntries(group.data, first);
    } catch (error) {
      this.counters.undecodableMessages++;
      const failure = new UndecodableMessageError('DTS Entries', first, error);
      for (const message of group.messages) rejected.push({ raw: message.raw, offset: message.offset, error: failure });
      return;
    }
    let failed = false;
    for (const entry of entries) {
      const step = this.grouper.accept(entry, group.firstOffset);
      if (step === undefined) continue;
      if (step.committed !== undefined) {
        try {
          events.push(...normalizeTransaction(step.committed.entries, { topic: at.topic, partition: at.partition, offset: step.committed.beginOffset }, this.options.normalize));
        } catch (error) {
          if (!(error instanceof CdcStreamsError)) throw error;
          this.counters.untranslatableTransactions++;
          // Once per group: the group's raw messages carry the COMMIT and the error names the transaction.
          if (!failed) for (const message of group.messages) rejected.push({ raw: message.raw, offset: message.offset, error });
          failed = true;
        }
      }
      if (step.progress !== undefined) progress.push(step.progress);
    }
  }
}

function rejectAbandoned(group: AbandonedGroup<RawMessage>, at: RecordCoordinates, rejected: RejectedMessage[]): void {
  const first = group.messages[0];
  if (first === undefined) return;
  const error = new AbandonedChunkGroupError(group.reason, { topic: at.topic, partition: at.partition, offset: first.offset }, group.messages.length);
  for (const message of group.messages) rejected.push({ raw: message.raw, offset: message.offset, error });
}

export function numericFields(value: object): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number') result[k] = v;
  return result;
}
