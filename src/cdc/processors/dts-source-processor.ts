import type { RecordCoordinates } from '../../common/errors.js';
import type { ProcessorSupplier } from '../../processor/processor.js';
import { streamRecord, type StreamRecord } from '../../processor/stream-record.js';
import type { ChangeEvent } from '../change-event.js';
import type { DtsEntry, NormalizeOptions } from '../dts/index.js';
import { DtsReader } from '../formats/dts-reader.js';
import type { EnvelopeReassembler, ReassemblyOptions } from '../reassembly/envelope-reassembler.js';
import type { TransactionAnomaly } from '../transactions/transaction-entry.js';
import type { TransactionGrouper } from '../transactions/transaction-grouper.js';
import { CdcSourceProcessor } from './cdc-source-processor.js';
import type { RawMessage } from './dead-letter.js';

export type { StoredProgress } from '../watermarks/progress-announcer.js';

export interface DtsSourceOptions {
  readonly reassembly?: ReassemblyOptions | undefined;
  readonly normalize?: NormalizeOptions | undefined;
  /** Told about entries that break the transaction grammar (they are counted and skipped). */
  readonly onAnomaly?: ((anomaly: TransactionAnomaly, at: RecordCoordinates) => void) | undefined;
  /**
   * Wall-clock interval at which this partition's progress is re-sent even when unchanged, so a
   * restarted downstream resequencer catches up without waiting for a heartbeat. Default 5000; 0: never.
   */
  readonly watermarkResendIntervalMs?: number | undefined;
  /**
   * A store where this partition's progress is kept, so a restarted task can announce it at once. Without
   * it, a partition whose input was fully committed before a crash has nothing to re-read and nothing to
   * report, and holds its shards' watermarks until the next heartbeat arrives.
   */
  readonly progressStoreName?: string | undefined;
  /** The input topic's name, for progress re-sent before the first record of a restarted task. */
  readonly inputTopic?: string | undefined;
  /** The child node change events go to (default: every child). */
  readonly eventsChild?: string | undefined;
  /** The child node rejected raw messages go to (default `dead-letters`). */
  readonly deadLettersChild?: string | undefined;
}

/**
 * The DTS format's source (docs/design.md 3.1-3.2): a CdcSourceProcessor reading with a DtsReader. Change
 * events are forwarded per committed transaction with their event time; see DtsReader for what is
 * rejected and CdcSourceProcessor for dead letters and progress.
 */
export class DtsSourceProcessor extends CdcSourceProcessor<ChangeEvent> {
  readonly reassembler: EnvelopeReassembler<RawMessage>;
  readonly grouper: TransactionGrouper<DtsEntry>;

  constructor(options: DtsSourceOptions = {}) {
    const reader = new DtsReader({ reassembly: options.reassembly, normalize: options.normalize, onAnomaly: options.onAnomaly });
    super({
      reader: () => reader,
      toRecord: toEventRecord,
      itemsChild: options.eventsChild,
      deadLettersChild: options.deadLettersChild,
      inputTopic: options.inputTopic,
      watermarkResendIntervalMs: options.watermarkResendIntervalMs,
      progressStoreName: options.progressStoreName,
    });
    this.reassembler = reader.reassembler;
    this.grouper = reader.grouper;
  }
}

/** A change event travels with its event time, the row's binlog timestamp. */
export function toEventRecord(event: ChangeEvent): StreamRecord<null, ChangeEvent> {
  return streamRecord(null, event, event.source.timestamp);
}

export function dtsSourceProcessor(options: DtsSourceOptions): ProcessorSupplier<Buffer | null, Buffer, Buffer | null, ChangeEvent | Buffer> {
  return () => new DtsSourceProcessor(options);
}
