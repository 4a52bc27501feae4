import { createReassemblyMetrics, type ReassemblyMetrics } from '../cdc-metrics.js';
import type {
  AbandonReason,
  AbandonedGroup,
  ChunkPiece,
  CompletedGroup,
  PieceMessage,
  ReassemblyStep,
} from './chunk-piece.js';

export interface ReassemblyOptions {
  /** A group with more pieces is abandoned (its pieces dead-lettered as they come). Default 1024. */
  readonly maxPieces?: number;
  /** A group whose pieces hold more bytes is abandoned likewise. Default 256 MiB. */
  readonly maxBytes?: number;
}

interface OpenGroup<R> {
  readonly total: number;
  readonly pieces: Uint8Array[];
  readonly messages: PieceMessage<R>[];
  bytes: number;
}

/** A group that was abandoned for its size: its later pieces are dead-lettered one by one, never held. */
interface DiscardingGroup {
  readonly total: number;
  next: number;
}

const PENDING: ReassemblyStep<never> = Object.freeze({ outcome: 'pending', completed: undefined, abandoned: undefined });
const DUPLICATE: ReassemblyStep<never> = Object.freeze({ outcome: 'duplicate', completed: undefined, abandoned: undefined });
const ORPHAN: ReassemblyStep<never> = Object.freeze({ outcome: 'orphan', completed: undefined, abandoned: undefined });

/**
 * Joins the pieces of chunked Envelopes of ONE partition back into whole Entries bytes (docs/design.md 3.1).
 *
 * Rewind, not persist: the pieces of an unfinished group live only in memory, and the caller holds
 * the partition's committable offset at `openGroupOffset()` (the group's index 0). After a crash
 * the input is re-read from there, so the group is simply read again; nothing about it needs a
 * store or a changelog, and a crash can never leave a half group in durable state. The cost is
 * re-reading at most one group per partition, which the size bounds keep small.
 *
 * The decision table, for a piece (total t, index i) — t 0 counts as 1:
 * - i >= t: out of range → the open group and this piece are abandoned.
 * - no open group: i == 0 starts one (completing at once when t == 1); i > 0 is an orphan — the tail
 *   of a group whose start was delivered before — counted and skipped.
 * - open group (total T, next expected n): t != T abandons it (`total-changed`), and the piece then
 *   starts a new group if i == 0, else is an orphan. i == n appends. i < n with bytes equal to the
 *   piece already held is a repeat (a redelivery restarting inside the group): counted, ignored.
 *   i == 0 with different bytes abandons the group and starts a new one (`restarted`). Any other
 *   i < n (`out-of-sequence`) or i > n (`gap`) abandons the group together with this piece.
 * An abandoned group is handed back whole — every raw message with its offset — for the dead-letter
 * topic. Incomplete groups never block: the next index 0 ends them, and `maxPieces`/`maxBytes`
 * abandon a group that grows too large (its remaining pieces are then dead-lettered as they arrive).
 */
export class EnvelopeReassembler<R> {
  readonly metrics: ReassemblyMetrics = createReassemblyMetrics();
  private readonly maxPieces: number;
  private readonly maxBytes: number;
  private open: OpenGroup<R> | undefined;
  private discarding: DiscardingGroup | undefined;

  constructor(options: ReassemblyOptions = {}) {
    this.maxPieces = options.maxPieces ?? 1024;
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  /** Offset of the first piece of the unfinished group, if any: commit no further than this. */
  openGroupOffset(): string | undefined {
    return this.open?.messages[0]?.offset;
  }

  accept(piece: ChunkPiece, offset: string, raw: R): ReassemblyStep<R> {
    const total = piece.total === 0 ? 1 : piece.total;
    const index = piece.index;
    const message: PieceMessage<R> = { offset, raw };
    if (this.discarding !== undefined) {
      const step = this.continueDiscarding(total, index, message);
      if (step !== undefined) return step;
    }
    if (!Number.isInteger(index) || index < 0 || index >= total) {
      return this.abandonWith('index-out-of-range', message);
    }
    const open = this.open;
    if (open === undefined) {
      if (index !== 0) {
        this.metrics.orphanPieces++;
        return ORPHAN;
      }
      return this.start(total, piece.data, message);
    }
    if (total !== open.total) {
      const abandoned = this.abandonOpen('total-changed');
      if (index === 0) return this.start(total, piece.data, message, abandoned);
      this.metrics.orphanPieces++;
      return { outcome: 'abandoned', completed: undefined, abandoned };
    }
    const next = open.pieces.length;
    if (index === next) return this.append(open, piece.data, message);
    if (index < next) {
      if (sameBytes(open.pieces[index], piece.data)) {
        this.metrics.duplicatePieces++;
        return DUPLICATE;
      }
      if (index === 0) return this.start(total, piece.data, message, this.abandonOpen('restarted'));
      return this.abandonWith('out-of-sequence', message);
    }
    return this.abandonWith('gap', message);
  }

  private start(
    total: number,
    data: Uint8Array,
    message: PieceMessage<R>,
    abandoned?: AbandonedGroup<R>,
  ): ReassemblyStep<R> {
    if (total === 1) {
      this.metrics.groupsCompleted++;
      const completed: CompletedGroup<R> = { data: asBuffer(data), firstOffset: message.offset, messages: [message] };
      return { outcome: 'completed', completed, abandoned };
    }
    const group: OpenGroup<R> = { total, pieces: [], messages: [], bytes: 0 };
    this.open = group;
    const step = this.append(group, data, message);
    return abandoned === undefined ? step : { outcome: step.outcome, completed: step.completed, abandoned };
  }

  private append(group: OpenGroup<R>, data: Uint8Array, message: PieceMessage<R>): ReassemblyStep<R> {
    if (group.pieces.length + 1 > this.maxPieces || group.bytes + data.byteLength > this.maxBytes) {
      const discarding: DiscardingGroup = { total: group.total, next: group.pieces.length + 1 };
      const step = this.abandonWith('too-large', message);
      if (discarding.next < discarding.total) this.discarding = discarding;
      return step;
    }
    group.pieces.push(data);
    group.messages.push(message);
    group.bytes += data.byteLength;
    this.metrics.piecesPending++;
    this.metrics.bytesPending += data.byteLength;
    if (group.pieces.length < group.total) return PENDING;
    this.clearOpen();
    this.metrics.groupsCompleted++;
    const completed: CompletedGroup<R> = {
      data: Buffer.concat(group.pieces, group.bytes),
      firstOffset: group.messages[0]?.offset ?? message.offset,
      messages: group.messages,
    };
    return { outcome: 'completed', completed, abandoned: undefined };
  }

  /** Pieces that continue a group abandoned for its size go straight back; anything else ends that state. */
  private continueDiscarding(total: number, index: number, message: PieceMessage<R>): ReassemblyStep<R> | undefined {
    const discarding = this.discarding;
    if (discarding === undefined || total !== discarding.total || index !== discarding.next) {
      this.discarding = undefined;
      return undefined;
    }
    discarding.next++;
    if (discarding.next >= discarding.total) this.discarding = undefined;
    this.metrics.piecesDeadLettered++;
    return { outcome: 'abandoned', completed: undefined, abandoned: { reason: 'too-large', messages: [message] } };
  }

  private abandonWith(reason: AbandonReason, message: PieceMessage<R>): ReassemblyStep<R> {
    const open = this.open;
    const messages = open === undefined ? [message] : [...open.messages, message];
    this.clearOpen();
    this.metrics.groupsAbandoned++;
    this.metrics.piecesDeadLettered += messages.length;
    return { outcome: 'abandoned', completed: undefined, abandoned: { reason, messages } };
  }

  private abandonOpen(reason: AbandonReason): AbandonedGroup<R> {
    const messages = this.open?.messages ?? [];
    this.clearOpen();
    this.metrics.groupsAbandoned++;
    this.metrics.piecesDeadLettered += messages.length;
    return { reason, messages };
  }

  private clearOpen(): void {
    this.open = undefined;
    this.metrics.piecesPending = 0;
    this.metrics.bytesPending = 0;
  }
}

function sameBytes(held: Uint8Array | undefined, data: Uint8Array): boolean {
  return held !== undefined && Buffer.compare(held, data) === 0;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
