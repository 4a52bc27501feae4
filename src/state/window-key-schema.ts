import { StoreStateError } from './store-errors.js';

/**
 * How window, session and other time-keyed stores lay out their entries inside a bytes key-value store
 * (the same caching/changelog/RocksDB stack every store uses). Every stored key starts with a tag byte:
 *
 *     0x00 + name (UTF-8)                                     side entries (e.g. the observed stream time)
 *     0x01 + segment (8) + escaped key + 0x00 0x01 + time (8)  data
 *
 * Times and segment ids are 8-byte big-endian integers with the sign bit flipped, so unsigned byte
 * order is numeric order (negative times sort first). The record key's serialized bytes are escaped
 * (0x00 -> 0x00 0xFF) and terminated by 0x00 0x01, FoundationDB's tuple-layer scheme: that makes the
 * key self-delimiting, so within a segment entries sort by key, then time, and all the windows of one
 * key in one segment are one contiguous range whatever the key serde.
 */
export const SIDE_TAG = 0x00;
export const DATA_TAG = 0x01;

const ESCAPE = 0x00;
const ESCAPED_ZERO = 0xff;
const TERMINATOR = 0x01;
const TWO_POW_32 = 0x1_0000_0000;
/** Times are whole milliseconds within JavaScript's safe integer range. */
const MAX_TIME = Number.MAX_SAFE_INTEGER;

export const TIME_BYTES = 8;

/** Writes `time` (a safe integer, possibly negative) as 8 order-preserving bytes at `offset`. */
export function writeOrderedTime(time: number, out: Buffer, offset: number): void {
  if (!Number.isSafeInteger(time) || time < -MAX_TIME) throw new RangeError(`time ${time} is not a safe integer`);
  const high = Math.floor(time / TWO_POW_32);
  const low = time - high * TWO_POW_32;
  out.writeUInt32BE((high ^ 0x8000_0000) >>> 0, offset);
  out.writeUInt32BE(low, offset + 4);
}

export function readOrderedTime(data: Buffer, offset: number): number {
  const high = (data.readUInt32BE(offset) ^ 0x8000_0000) | 0;
  return high * TWO_POW_32 + data.readUInt32BE(offset + 4);
}

export function orderedTime(time: number): Buffer {
  const out = Buffer.allocUnsafe(TIME_BYTES);
  writeOrderedTime(time, out, 0);
  return out;
}

/** The stored key of a side entry (never seen by data scans, which start at DATA_TAG). */
export function sideKey(name: string): Buffer {
  return Buffer.concat([Buffer.of(SIDE_TAG), Buffer.from(name, 'utf8')]);
}

function escapedLength(key: Buffer): number {
  let zeros = 0;
  for (let i = 0; i < key.length; i++) if (key[i] === ESCAPE) zeros++;
  return key.length + zeros + 2;
}

function writeEscaped(key: Buffer, out: Buffer, offset: number): number {
  let at = offset;
  for (let i = 0; i < key.length; i++) {
    const byte = key[i]!;
    out[at++] = byte;
    if (byte === ESCAPE) out[at++] = ESCAPED_ZERO;
  }
  out[at++] = ESCAPE;
  out[at++] = TERMINATOR;
  return at;
}

/** `0x01 + segment`: every data entry of one segment starts with these bytes. */
export function segmentPrefix(segment: number): Buffer {
  const out = Buffer.allocUnsafe(1 + TIME_BYTES);
  out[0] = DATA_TAG;
  writeOrderedTime(segment, out, 1);
  return out;
}

/** `0x01 + segment + escaped key`: every entry of one key in one segment starts with these bytes. */
export function keyPrefix(segment: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + TIME_BYTES + escapedLength(key));
  out[0] = DATA_TAG;
  writeOrderedTime(segment, out, 1);
  writeEscaped(key, out, 1 + TIME_BYTES);
  return out;
}

/** The full stored key of one entry: segment, key, then `time` (a window start, or a session end). */
export function timeKey(segment: number, key: Buffer, time: number, suffix?: Buffer): Buffer {
  const keyEnd = 1 + TIME_BYTES + escapedLength(key);
  const out = Buffer.allocUnsafe(keyEnd + TIME_BYTES + (suffix?.length ?? 0));
  out[0] = DATA_TAG;
  writeOrderedTime(segment, out, 1);
  writeEscaped(key, out, 1 + TIME_BYTES);
  writeOrderedTime(time, out, keyEnd);
  if (suffix !== undefined) suffix.copy(out, keyEnd + TIME_BYTES);
  return out;
}

export interface DecodedTimeKey {
  readonly segment: number;
  /** The record key's serialized bytes, unescaped. */
  readonly key: Buffer;
  readonly time: number;
  /** Whatever follows the time (a session's start), possibly empty. */
  readonly suffix: Buffer;
}

/** Reads a data key written by `timeKey`; `store` names the store in the error for a malformed one. */
export function decodeTimeKey(stored: Buffer, store: string): DecodedTimeKey {
  if (stored.length < 1 + TIME_BYTES + 2 + TIME_BYTES || stored[0] !== DATA_TAG) {
    throw new StoreStateError(store, `malformed time key 0x${stored.toString('hex')}`);
  }
  const segment = readOrderedTime(stored, 1);
  const bytes: number[] = [];
  let at = 1 + TIME_BYTES;
  for (;;) {
    if (at + 1 >= stored.length) throw new StoreStateError(store, `time key 0x${stored.toString('hex')} has no key terminator`);
    const byte = stored[at]!;
    if (byte !== ESCAPE) {
      bytes.push(byte);
      at++;
      continue;
    }
    const next = stored[at + 1]!;
    at += 2;
    if (next === TERMINATOR) break;
    if (next !== ESCAPED_ZERO) throw new StoreStateError(store, `time key 0x${stored.toString('hex')} has a bad escape`);
    bytes.push(ESCAPE);
  }
  if (at + TIME_BYTES > stored.length) throw new StoreStateError(store, `time key 0x${stored.toString('hex')} is truncated`);
  return { segment, key: Buffer.from(bytes), time: readOrderedTime(stored, at), suffix: stored.subarray(at + TIME_BYTES) };
}
