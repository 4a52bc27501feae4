import { CHUNK_HEADER } from '../../common/constants.js';
import type { Headers } from '../../common/headers.js';
import type { InputRecord } from './input-record.js';
import type { ChunkHeader } from './record-chunks.js';

/** Counters of one task's chunk reassembly, for the ops layer. */
export interface ChunkAssemblyMetrics {
  chunkedRecordsAssembled: number;
  chunkGroupsAbandoned: number;
  duplicateChunkPieces: number;
  orphanChunkPieces: number;
}

export type AbandonReason = 'new-group' | 'gap' | 'writer-moved-on' | 'timed-out';

interface OpenGroup {
  readonly header: ChunkHeader;
  readonly first: InputRecord;
  readonly pieces: Buffer[];
  next: number;
  lastPieceAt: number;
}

/**
 * Joins the pieces of records that a writer task cut to fit a repartition topic (record-chunks.ts),
 * for one partition of one topic. Pieces of one record come consecutively from their writer, but
 * pieces of several writers interleave, so one group may be open per writer task.
 *
 * Per piece, for the writer's open group: the next index appends (the last completes the record);
 * an index already held is a repeat and is ignored; a higher one is a gap and abandons the group. A
 * piece of another group or incarnation of the same writer task abandons the open group (the writer
 * was cut off and starts again) and opens its own if it is piece 0; a piece > 0 with nothing open is
 * an orphan and is skipped. A control record from the writer also abandons its open group: a writer
 * finishes a record before it writes anything else to the partition. A group with no piece for
 * `maxOpenMs` is abandoned too, so a writer cut off for good never holds the commit forever.
 *
 * Nothing is lost by abandoning: pieces are only cut off when their writer failed before committing
 * them (at_least_once), and that writer then processes and writes the record again. Under
 * exactly_once a reader never sees part of a record (read_committed).
 */
export class ChunkAssembler {
  readonly metrics: ChunkAssemblyMetrics = { chunkedRecordsAssembled: 0, chunkGroupsAbandoned: 0, duplicateChunkPieces: 0, orphanChunkPieces: 0 };
  private readonly open = new Map<string, OpenGroup>();

  constructor(
    private readonly maxOpenMs: number,
    private readonly onAbandon: (writer: string, firstOffset: string, reason: AbandonReason) => void = () => undefined,
  ) {}

  get hasOpenGroups(): boolean {
    return this.open.size > 0;
  }

  /** The offset of the first piece of the oldest open group: commit no further than this. */
  holdOffset(): string | undefined {
    let lowest: bigint | undefined;
    for (const group of this.open.values()) {
      const offset = BigInt(group.first.offset);
      if (lowest === undefined || offset < lowest) lowest = offset;
    }
    return lowest?.toString();
  }

  /** Takes one piece; returns the whole record when this piece completes it. */
  accept(piece: InputRecord, header: ChunkHeader, now: number): InputRecord | undefined {
    let group = this.open.get(header.writerTask);
    if (group !== undefined && (group.header.writer !== header.writer || group.header.group !== header.group)) {
      this.abandon(group, 'new-group');
      group = undefined;
    }
    if (group === undefined) {
      if (header.index !== 0) {
        this.metrics.orphanChunkPieces++;
        return undefined;
      }
      group = { header, first: piece, pieces: [], next: 0, lastPieceAt: now };
      this.open.set(header.writerTask, group);
    }
    if (header.index < group.next) {
      this.metrics.duplicateChunkPieces++;
      return undefined;
    }
    if (header.index > group.next || header.total !== group.header.total) {
      this.abandon(group, 'gap');
      this.metrics.orphanChunkPieces++;
      return undefined;
    }
    group.pieces.push(piece.value ?? Buffer.alloc(0));
    group.next++;
    group.lastPieceAt = now;
    if (group.next < group.header.total) return undefined;
    this.open.delete(header.writerTask);
    this.metrics.chunkedRecordsAssembled++;
    const first = group.first;
    return {
      topic: first.topic,
      partition: first.partition,
      offset: first.offset,
      endOffset: piece.offset,
      key: first.key,
      value: Buffer.concat(group.pieces),
      timestamp: first.timestamp,
      headers: withoutChunkHeader(first.headers),
    };
  }

  /** A control record from `writer` (its WRITER_HEADER): that writer's open group, if any, was cut off. */
  writerMovedOn(writer: string): void {
    const dot = writer.lastIndexOf('.');
    const group = this.open.get(dot > 0 ? writer.slice(0, dot) : writer);
    if (group !== undefined) this.abandon(group, 'writer-moved-on');
  }

  /** Abandons groups that got no piece for `maxOpenMs`. */
  expire(now: number): void {
    for (const group of [...this.open.values()]) if (now - group.lastPieceAt >= this.maxOpenMs) this.abandon(group, 'timed-out');
  }

  private abandon(group: OpenGroup, reason: AbandonReason): void {
    this.open.delete(group.header.writerTask);
    this.metrics.chunkGroupsAbandoned++;
    this.onAbandon(group.header.writer, group.first.offset, reason);
  }
}

function withoutChunkHeader(headers: Headers): Headers {
  const result: Headers = {};
  for (const key in headers) if (key !== CHUNK_HEADER) result[key] = headers[key];
  return result;
}
