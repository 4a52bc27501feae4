import { ConfigError } from '../common/errors.js';

function requireMs(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(`${what} must be a whole number of milliseconds >= 0, got ${value}`);
  return value;
}

/**
 * How close in time two records must be to join (Kafka Streams' `JoinWindows`): a record of this stream
 * at `t` joins records of the other stream from `t - beforeMs` to `t + afterMs`, both inclusive. Grace
 * is how long after that window closes (in stream time) a late record is still taken, and how long a
 * left or outer join waits before it emits a record that found no partner. Milliseconds throughout.
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {}

  /** Records at most `differenceMs` apart (either way) join; no grace. */
  static ofTimeDifferenceWithNoGrace(differenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(differenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(differenceMs: number, graceMs: number): JoinWindows {
    const difference = requireMs('join window time difference', differenceMs);
    return new JoinWindows(difference, difference, requireMs('join window grace', graceMs));
  }

  /** How far before this stream's record the other stream's records may lie. */
  before(beforeMs: number): JoinWindows {
    return new JoinWindows(requireMs('join window before', beforeMs), this.afterMs, this.graceMs);
  }

  /** How far after this stream's record the other stream's records may lie. */
  after(afterMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, requireMs('join window after', afterMs), this.graceMs);
  }

  /** How long the records of both sides must be kept: the whole window plus grace. */
  get retentionMs(): number {
    return this.beforeMs + this.afterMs + this.graceMs;
  }
}
