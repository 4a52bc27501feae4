import { describe, expect, it } from 'vitest';
import type { InputRecord, OutputRecord } from '../../../src/runtime/task/input-record.js';
import { ChunkAssembler, type AbandonReason } from '../../../src/runtime/task/chunk-assembler.js';
import { cutIntoPieces, parseChunkHeader } from '../../../src/runtime/task/record-chunks.js';
import { CHUNK_HEADER } from '../../../src/common/constants.js';

const TOPIC = 'app-x-repartition';

/** A record of `bytes` bytes whose content says which writer and which record it is. */
function recordOf(tag: string, bytes: number): OutputRecord {
  const value = Buffer.alloc(bytes, tag);
  return { topic: TOPIC, partition: 0, key: Buffer.from(`key-${tag}`), value, timestamp: 7, headers: { h: tag } };
}

/** Pieces of a record as a writer would send them. */
function piecesOf(tag: string, writer: string, group: number, bytes = 10_000, pieceBytes = 3000): OutputRecord[] {
  return cutIntoPieces(recordOf(tag, bytes), pieceBytes, writer, group);
}

/** Feeds records to an assembler as one partition's log, numbering offsets; returns what came out whole. */
function feed(assembler: ChunkAssembler, log: readonly OutputRecord[], now = 0): InputRecord[] {
  const whole: InputRecord[] = [];
  log.forEach((record, offset) => {
    const input: InputRecord = { ...record, offset: String(offset) };
    const chunk = record.headers[CHUNK_HEADER];
    if (chunk === undefined) return;
    const out = assembler.accept(input, parseChunkHeader(chunk, input), now);
    if (out !== undefined) whole.push(out);
  });
  return whole;
}

function newAssembler(): { assembler: ChunkAssembler; abandoned: AbandonReason[] } {
  const abandoned: AbandonReason[] = [];
  return { assembler: new ChunkAssembler(60_000, (_w, _o, reason) => abandoned.push(reason)), abandoned };
}

describe('ChunkAssembler', () => {
  it('joins the pieces of a record into the record, with its key, timestamp and headers, at its first offset', () => {
    const { assembler } = newAssembler();
    const pieces = piecesOf('a', '0_1.w1', 0);
    expect(pieces.length).toBe(4);
    const [whole] = feed(assembler, pieces);
    expect(whole?.value).toEqual(recordOf('a', 10_000).value);
    expect(whole?.key?.toString()).toBe('key-a');
    expect(whole?.headers).toEqual({ h: 'a' });
    expect(whole?.offset).toBe('0');
    expect(whole?.endOffset).toBe('3');
    expect(assembler.holdOffset()).toBeUndefined();
  });

  it('holds the commit at the first piece while a record is incomplete (cut by a crash)', () => {
    const { assembler } = newAssembler();
    const pieces = piecesOf('a', '0_1.w1', 0);
    expect(feed(assembler, pieces.slice(0, 3))).toEqual([]);
    expect(assembler.holdOffset()).toBe('0');
  });

  it('joins interleaved pieces of several writers, each record whole', () => {
    const { assembler } = newAssembler();
    const a = piecesOf('a', '0_1.w1', 0);
    const b = piecesOf('b', '0_2.w2', 0);
    const log = a.flatMap((piece, i) => [piece, b[i]!]);
    const whole = feed(assembler, log);
    expect(whole.map((r) => r.value?.[0] && String.fromCharCode(r.value[0]))).toEqual(['a', 'b']);
    expect(whole[1]?.value).toEqual(recordOf('b', 10_000).value);
  });

  it('ignores a repeated piece', () => {
    const { assembler } = newAssembler();
    const pieces = piecesOf('a', '0_1.w1', 0);
    const whole = feed(assembler, [pieces[0]!, pieces[1]!, pieces[1]!, pieces[0]!, pieces[2]!, pieces[3]!]);
    expect(whole).toHaveLength(1);
    expect(whole[0]?.value).toEqual(recordOf('a', 10_000).value);
    expect(assembler.metrics.duplicateChunkPieces).toBe(2);
  });

  it('abandons a record with a missing piece and skips the rest of its pieces', () => {
    const { assembler, abandoned } = newAssembler();
    const pieces = piecesOf('a', '0_1.w1', 0);
    expect(feed(assembler, [pieces[0]!, pieces[2]!, pieces[3]!])).toEqual([]);
    expect(abandoned).toEqual(['gap']);
    expect(assembler.metrics.orphanChunkPieces).toBe(2);
    expect(assembler.holdOffset()).toBeUndefined();
  });

  it('abandons a cut-off record when its writer, restarted, sends the record again, and joins the new copy', () => {
    const { assembler, abandoned } = newAssembler();
    const first = piecesOf('a', '0_1.w1', 0).slice(0, 2);
    const again = piecesOf('a', '0_1.w2', 0);
    const whole = feed(assembler, [...first, ...again]);
    expect(abandoned).toEqual(['new-group']);
    expect(whole).toHaveLength(1);
    expect(whole[0]?.offset).toBe('2');
  });

  it('abandons an open record when its writer starts the next one', () => {
    const { assembler, abandoned } = newAssembler();
    const whole = feed(assembler, [...piecesOf('a', '0_1.w1', 0).slice(0, 2), ...piecesOf('b', '0_1.w1', 1)]);
    expect(abandoned).toEqual(['new-group']);
    expect(whole.map((r) => r.key?.toString())).toEqual(['key-b']);
  });

  it('skips the tail of a record whose head it never saw (orphans)', () => {
    const { assembler } = newAssembler();
    const pieces = piecesOf('a', '0_1.w1', 0);
    expect(feed(assembler, pieces.slice(2))).toEqual([]);
    expect(assembler.metrics.orphanChunkPieces).toBe(2);
    expect(assembler.holdOffset()).toBeUndefined();
  });

  it('abandons an open record when its writer writes a control record, or after the open time passes', () => {
    const { assembler, abandoned } = newAssembler();
    feed(assembler, piecesOf('a', '0_1.w1', 0).slice(0, 2), 0);
    feed(assembler, piecesOf('b', '0_2.w9', 0).slice(0, 1), 30_000);
    assembler.writerMovedOn('0_1.w1');
    expect(abandoned).toEqual(['writer-moved-on']);
    expect(assembler.holdOffset()).toBe('0');
    assembler.expire(60_000);
    expect(assembler.holdOffset()).toBe('0');
    assembler.expire(90_000);
    expect(abandoned).toEqual(['writer-moved-on', 'timed-out']);
    expect(assembler.holdOffset()).toBeUndefined();
  });

  it('holds the commit at the earliest first piece of all open records', () => {
    const { assembler } = newAssembler();
    const a = piecesOf('a', '0_1.w1', 0);
    const b = piecesOf('b', '0_2.w2', 0);
    feed(assembler, [a[0]!, b[0]!, b[1]!, b[2]!, b[3]!]);
    expect(assembler.holdOffset()).toBe('0');
  });
});
