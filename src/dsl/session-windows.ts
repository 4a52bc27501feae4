import { ConfigError } from '../common/errors.js';

function requireMs(what: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) throw new ConfigError(`${what} must be a whole number of milliseconds >= ${minimum}, got ${value}`);
  return value;
}

/**
 * Sessions of activity per key (Kafka Streams' `SessionWindows`): records of a key less than or exactly
 * `inactivityGapMs` apart belong to one session, and a record that bridges two sessions merges them.
 * A session's window is `[first record, last record]`, both inclusive. Grace is how long after a
 * session's end (in stream time) a record may still extend or join it.
 */
export class SessionWindows {
  private constructor(
    readonly inactivityGapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(inactivityGapMs, 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(requireMs('session inactivity gap', inactivityGapMs, 1), requireMs('session grace', graceMs, 0));
  }

  /** How long sessions must be kept at least after their end. */
  get minimumRetentionMs(): number {
    return this.inactivityGapMs + this.graceMs;
  }
}
