import type { Serde, SerdeContext } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { EarliestDueTimes } from './earliest-due-times.js';
import { decodeTimerKey, dueBound, encodeTimerKey, TimerError } from './timer-key.js';

export interface Timer<P> {
  /** Epoch ms in whatever clock the caller drives `fireDue` with (a watermark, stream time). */
  readonly dueTime: number;
  readonly key: string;
  readonly payload: P;
}

export type TimerCallback<P> = (timer: Timer<P>) => void | Promise<void>;

interface FiringState {
  /** No timer is due before this (a lower bound; -Infinity: unknown): where a scan from the start begins. */
  floor: number;
  /** The stored key of the last timer fired in this call. */
  cursor: Buffer | undefined;
  /** A callback changed the timers: the slice in hand is stale and must be read again. */
  rescan: 'no' | 'after-cursor' | 'from-start';
}

// Timers are read in slices, never fired from an open scan: callbacks write to the same store, and a
// backlog of thousands of due timers should not sit in memory at once. A callback that registers or
// cancels a timer makes the rest of the slice stale; it is read again from where firing stopped.
const SLICE = 256;

/**
 * Event-time timers kept in a key-value store of their own, so they survive restarts and are
 * changelogged and restored like any store. Stored key = 8-byte big-endian due time + timer key
 * (see timer-key.ts); value = the payload's bytes. Nothing here reads a clock: time only advances
 * through `fireDue(upTo)`, which the caller drives from a watermark or stream time.
 *
 * The store must hold nothing but timers. Writes go through the store's buffer like any processor
 * write, so they reach disk and the changelog at the task's commit.
 */
export class TimerService<P> {
  private readonly context: SerdeContext;
  private firing: FiringState | undefined;
  /**
   * What the store held at the last scan: no timer due before this (Infinity: none); undefined until a
   * `fireDue` has scanned. With the timers registered since (and not cancelled), it tells a watermark
   * that moved less than the next deadline to skip the store scan.
   */
  private earliestScanned: number | undefined;
  /** Timers registered since the last scan, by stored key (latin1). */
  private readonly registeredSinceScan = new Set<string>();
  /** The due times of `registeredSinceScan`, for their earliest without a pass over them. */
  private readonly registeredDueTimes = new EarliestDueTimes();

  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    private readonly payloadSerde: Serde<P>,
  ) {
    this.context = { topic: store.name };
  }

  /** Registers (or replaces) the timer `key` due at `dueTime`. */
  register(dueTime: number, key: string, payload: P): void {
    const stored = encodeTimerKey(dueTime, key);
    this.store.put(stored, this.payloadSerde.serialize(payload, this.context));
    if (this.earliestScanned !== undefined) {
      const k = stored.toString('latin1');
      // The stored key holds the due time: a timer registered again is the same entry, counted once.
      if (!this.registeredSinceScan.has(k)) {
        this.registeredSinceScan.add(k);
        this.registeredDueTimes.add(dueTime);
      }
    }
    if (this.firing !== undefined && dueTime < this.firing.floor) this.firing.floor = dueTime;
    // A timer registered at or before the position `fireDue` has reached would be missed by a scan
    // that only moves forward, so that one sends it back to the start.
    this.timersChanged(this.cursorPassed(stored) ? 'from-start' : 'after-cursor');
  }

  /** Removes the timer `key` due at `dueTime`, if there is one. */
  cancel(dueTime: number, key: string): void {
    const stored = encodeTimerKey(dueTime, key);
    this.store.delete(stored);
    // Cancelling a timer that was stored at the last scan leaves earliestScanned a lower bound: fine.
    if (this.registeredSinceScan.delete(stored.toString('latin1'))) this.registeredDueTimes.remove(dueTime);
    // A timer at or before the position `fireDue` has reached (e.g. the one firing now, which its own
    // callback cancels) is behind the scan already: the slice in hand is still right.
    if (!this.cursorPassed(stored)) this.timersChanged('after-cursor');
  }

  /**
   * Fires, in due order (then key order), every timer due at or before `upTo`, deleting each just
   * before its callback runs. Timers that callbacks register with a due time <= `upTo` fire in the
   * same call, so a callback that keeps re-registering itself at or before `upTo` never returns;
   * callbacks may cancel timers that have not fired yet. If a callback throws, `fireDue` stops and
   * rethrows; the deletions are only buffered, so a task that fails without committing fires the
   * same timers again after restoring (at-least-once). Returns how many timers fired.
   */
  async fireDue(upTo: number, onTimer: TimerCallback<P>): Promise<number> {
    if (Number.isNaN(upTo)) throw new TimerError('fireDue(upTo): upTo is NaN');
    if (this.firing !== undefined) throw new TimerError(`fireDue on store '${this.store.name}' is already running (called from a timer callback?)`);
    if (upTo < 0) return 0;
    const earliest = this.earliestKnownDue();
    if (upTo < earliest) return 0;
    this.earliestScanned = undefined;
    this.registeredSinceScan.clear();
    this.registeredDueTimes.clear();
    // No upper bound once every storable due time qualifies.
    const to = upTo >= Number.MAX_SAFE_INTEGER ? undefined : dueBound(Math.floor(upTo) + 1);
    // The scan starts at the earliest timer known to be left, not at the start of the store: timers fired
    // since the last commit are deletes still in the write buffer, and a scan from the start would read
    // each of them from RocksDB again, only to skip it, at every call until the commit.
    const firing: FiringState = { floor: earliest, cursor: undefined, rescan: 'no' };
    this.firing = firing;
    let fired = 0;
    try {
      for (;;) {
        const from = firing.cursor !== undefined ? successor(firing.cursor) : firing.floor > 0 ? dueBound(firing.floor) : undefined;
        const { slice, next } = await collectSlice(this.store, from, to);
        if (slice.length === 0) {
          // The last scan ran after every callback: the first timer beyond `upTo` is the earliest left.
          this.earliestScanned = next === undefined ? Infinity : decodeTimerKey(next).dueTime;
          break;
        }
        firing.rescan = 'no';
        for (const { key, value } of slice) {
          if (pendingRescan(firing) !== 'no') break;
          firing.cursor = key;
          const { dueTime, key: timerKey } = decodeTimerKey(key);
          const payload = this.payloadSerde.deserialize(value, this.context);
          this.store.delete(key);
          fired++;
          await onTimer({ dueTime, key: timerKey, payload });
        }
        if (pendingRescan(firing) === 'from-start') firing.cursor = undefined;
      }
    } finally {
      this.firing = undefined;
    }
    return fired;
  }

  /** A lower bound of every stored timer's due time; -Infinity when unknown (a scan is needed). */
  private earliestKnownDue(): number {
    if (this.earliestScanned === undefined) return -Infinity;
    return Math.min(this.earliestScanned, this.registeredDueTimes.earliest());
  }

  private cursorPassed(stored: Buffer): boolean {
    const cursor = this.firing?.cursor;
    return cursor !== undefined && Buffer.compare(stored, cursor) <= 0;
  }

  private timersChanged(rescan: 'after-cursor' | 'from-start'): void {
    const firing = this.firing;
    if (firing === undefined || firing.rescan === 'from-start') return;
    firing.rescan = rescan;
  }

  /** The earliest due time of any registered timer, or `undefined` when there is none. */
  async nextDueTime(): Promise<number | undefined> {
    for await (const { key } of this.store.range({ limit: 1 })) return decodeTimerKey(key).dueTime;
    return undefined;
  }
}

/**
 * Up to SLICE timers from `from` that are due before `to`, and the key of the first timer at or after
 * `to` when the scan reached one (undefined: none, or the slice filled up first).
 */
async function collectSlice(
  store: KeyValueStore<Buffer, Buffer>,
  from: Buffer | undefined,
  to: Buffer | undefined,
): Promise<{ slice: Array<{ key: Buffer; value: Buffer }>; next: Buffer | undefined }> {
  const slice: Array<{ key: Buffer; value: Buffer }> = [];
  const range = { limit: SLICE + 1, ...(from === undefined ? {} : { from }) };
  for await (const entry of store.range(range)) {
    if (to !== undefined && Buffer.compare(entry.key, to) >= 0) return { slice, next: entry.key };
    if (slice.length === SLICE) break;
    slice.push(entry);
  }
  return { slice, next: undefined };
}

// Read through a call: callbacks change `rescan` behind the back of TypeScript's narrowing.
function pendingRescan(firing: FiringState): FiringState['rescan'] {
  return firing.rescan;
}

/** The smallest key greater than `key` in byte order. */
function successor(key: Buffer): Buffer {
  const out = Buffer.alloc(key.length + 1);
  key.copy(out);
  return out;
}
