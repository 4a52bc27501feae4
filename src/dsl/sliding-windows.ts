import { ConfigError } from '../common/errors.js';

function requireMs(what: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) throw new ConfigError(`${what} must be a whole number of milliseconds >= ${minimum}, got ${value}`);
  return value;
}

/**
 * Windows that slide with the records (Kafka Streams' `SlidingWindows`): `[start, start + timeDifference]`,
 * both ends inclusive, one for every distinct set of records that close together in time — each record
 * ends a window (its "left" window) and, when a later record lies within the time difference, starts one
 * just after it (its "right" window). Unlike hopping windows, no window exists that no record defines.
 */
export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(requireMs('sliding window time difference', timeDifferenceMs, 1), requireMs('sliding window grace', graceMs, 0));
  }

  /** Records and windows are needed until a record at their time could no longer change any open window. */
  get minimumRetentionMs(): number {
    return 2 * this.timeDifferenceMs + this.graceMs + 1;
  }
}
