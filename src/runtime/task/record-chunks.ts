import { CHUNK_HEADER } from '../../common/constants.js';
import { CdcStreamsError, describeCoordinates, type RecordCoordinates } from '../../common/errors.js';
import type { Headers } from '../../common/headers.js';
import type { OutputRecord } from './input-record.js';
import { recordBatchBytes } from './record-size.js';

/** Room left in each piece for the chunk header's growth and the broker's accounting. */
const PIECE_MARGIN_BYTES = 512;
/** Below this a piece carries too little to be worth cutting: the key or headers are the problem. */
const MIN_PIECE_PAYLOAD_BYTES = 1024;

/** Which piece of which record a chunk is (parsed CHUNK_HEADER). */
export interface ChunkHeader {
  /** `<taskId>`: pieces of one writer task to one partition are consecutive in its output. */
  readonly writerTask: string;
  /** `<taskId>.<incarnation>`: a restarted task is a new writer. */
  readonly writer: string;
  readonly group: number;
  readonly index: number;
  readonly total: number;
}

export class ChunkHeaderError extends CdcStreamsError {
  constructor(at: RecordCoordinates, value: string) {
    super(`${describeCoordinates(at)}: header ${CHUNK_HEADER} ${JSON.stringify(value)} is not <writer>;<group>;<index>;<total>`, {
      code: 'CHUNK_HEADER',
    });
  }
}

export function formatChunkHeader(writer: string, group: number, index: number, total: number): string {
  return `${writer};${group};${index};${total}`;
}

export function parseChunkHeader(value: string | Buffer, at: RecordCoordinates): ChunkHeader {
  const text = typeof value === 'string' ? value : value.toString('utf8');
  const parts = text.split(';');
  const [writer, group, index, total] = parts;
  const dot = writer === undefined ? -1 : writer.lastIndexOf('.');
  const numbers = [group, index, total].map((p) => (p !== undefined && /^\d+$/.test(p) ? Number(p) : NaN));
  const [g, i, t] = numbers as [number, number, number];
  if (parts.length !== 4 || writer === undefined || dot <= 0 || !Number.isSafeInteger(g) || !(t > 0) || !(i >= 0 && i < t)) {
    throw new ChunkHeaderError(at, text);
  }
  return { writerTask: writer.slice(0, dot), writer, group: g, index: i, total: t };
}

/**
 * The payload each piece of this record may carry so that every piece, with its key, headers and
 * chunk header, fits `maxBytes`; undefined when even an empty piece would not fit.
 */
export function piecePayloadBytes(record: OutputRecord, maxBytes: number, writer: string): number | undefined {
  const probeHeader = formatChunkHeader(writer, Number.MAX_SAFE_INTEGER, 99_999_999, 99_999_999);
  const overhead = recordBatchBytes(record.key, null, { ...record.headers, [CHUNK_HEADER]: probeHeader });
  const payload = maxBytes - overhead - PIECE_MARGIN_BYTES;
  return payload >= MIN_PIECE_PAYLOAD_BYTES ? payload : undefined;
}

/**
 * Cuts a record into pieces of at most `payloadBytes` of value each, to the same partition with the
 * same key and timestamp. The record's own headers travel on piece 0 only (the reader restores them
 * from there); every piece carries CHUNK_HEADER.
 */
export function cutIntoPieces(record: OutputRecord, payloadBytes: number, writer: string, group: number): OutputRecord[] {
  const value = record.value ?? Buffer.alloc(0);
  const total = Math.max(1, Math.ceil(value.length / payloadBytes));
  const pieces: OutputRecord[] = [];
  for (let index = 0; index < total; index++) {
    const chunk = formatChunkHeader(writer, group, index, total);
    const headers: Headers = index === 0 ? { ...record.headers, [CHUNK_HEADER]: chunk } : { [CHUNK_HEADER]: chunk };
    pieces.push({
      topic: record.topic,
      partition: record.partition,
      key: record.key,
      value: value.subarray(index * payloadBytes, Math.min(value.length, (index + 1) * payloadBytes)),
      timestamp: record.timestamp,
      headers,
    });
  }
  return pieces;
}
