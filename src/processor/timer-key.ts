import { CdcStreamsError } from '../common/errors.js';

/** A due time that cannot be stored (negative, fractional, beyond 2^53) or a malformed stored key. */
export class TimerError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'TIMER_INVALID' });
  }
}

const DUE_BYTES = 8;
const TWO_32 = 2 ** 32;

/**
 * Stored timer key: the due time as 8 big-endian bytes, then the timer key in UTF-8. Big-endian
 * unsigned integers sort bytewise as they sort numerically, so a plain scan of the store visits
 * timers in due order (then by key).
 */
export function encodeTimerKey(dueTime: number, key: string): Buffer {
  assertDueTime(dueTime);
  const keyLength = Buffer.byteLength(key, 'utf8');
  const out = Buffer.allocUnsafe(DUE_BYTES + keyLength);
  writeDue(out, dueTime);
  out.write(key, DUE_BYTES, 'utf8');
  return out;
}

/** The first stored key due strictly after `dueTime`: the exclusive end of "everything due by then". */
export function dueBound(dueTime: number): Buffer {
  assertDueTime(dueTime);
  const out = Buffer.allocUnsafe(DUE_BYTES);
  writeDue(out, dueTime);
  return out;
}

export function decodeTimerKey(stored: Buffer): { dueTime: number; key: string } {
  if (stored.length < DUE_BYTES) throw new TimerError(`stored timer key 0x${stored.toString('hex')} is shorter than ${DUE_BYTES} bytes`);
  const dueTime = stored.readUInt32BE(0) * TWO_32 + stored.readUInt32BE(4);
  return { dueTime, key: stored.toString('utf8', DUE_BYTES) };
}

export function assertDueTime(dueTime: number): void {
  if (!Number.isSafeInteger(dueTime) || dueTime < 0) {
    throw new TimerError(`timer due time ${dueTime} must be a non-negative integer number of milliseconds`);
  }
}

function writeDue(out: Buffer, dueTime: number): void {
  // Two 32-bit halves: exact for every safe integer, and no BigInt on the hot path.
  out.writeUInt32BE(Math.floor(dueTime / TWO_32), 0);
  out.writeUInt32BE(dueTime % TWO_32, 4);
}
