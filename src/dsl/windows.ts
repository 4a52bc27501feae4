import { ConfigError } from '../common/errors.js';
import type { TimeWindow } from '../state/window-store.js';

function requireMs(what: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ConfigError(`${what} must be a whole number of milliseconds >= ${minimum}, got ${value}`);
  }
  return value;
}

/**
 * Fixed-size windows over event time (Kafka Streams' `TimeWindows`): tumbling by default, hopping with
 * `advanceBy`. Windows are `[start, start + size)`, aligned to the epoch: a record at `t` falls into
 * every window whose start is a multiple of `advance` in `(t - size, t]` (starts below 0 excepted).
 *
 * Grace is how long after a window's end (in stream time) records for it are still accepted; later
 * ones are dropped and counted. All durations are milliseconds.
 */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  /** Tumbling windows of `sizeMs`; a record is late as soon as stream time passes its window's end. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` accepting records up to `graceMs` after the window's end. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = requireMs('window size', sizeMs, 1);
    return new TimeWindows(size, size, requireMs('window grace', graceMs, 0));
  }

  /** The same as `ofSizeAndGrace`, under the name some readers look for first. */
  static ofSizeWithGrace(sizeMs: number, graceMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, graceMs);
  }

  /** Hopping windows: a new window starts every `advanceMs` (at most the size). */
  advanceBy(advanceMs: number): TimeWindows {
    const advance = requireMs('window advance', advanceMs, 1);
    if (advance > this.sizeMs) throw new ConfigError(`window advance (${advance} ms) must not exceed the window size (${this.sizeMs} ms)`);
    return new TimeWindows(this.sizeMs, advance, this.graceMs);
  }

  /** The windows a record with this timestamp belongs to, earliest first. */
  windowsFor(timestamp: number): TimeWindow[] {
    const windows: TimeWindow[] = [];
    let start = Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    for (; start <= timestamp; start += this.advanceMs) windows.push({ start, end: start + this.sizeMs });
    return windows;
  }

  /** How long windows must be kept at least: a window takes updates until its end plus grace. */
  get minimumRetentionMs(): number {
    return this.sizeMs + this.graceMs;
  }

  describe(): string {
    const kind = this.advanceMs === this.sizeMs ? `tumbling ${this.sizeMs} ms` : `hopping ${this.sizeMs} ms every ${this.advanceMs} ms`;
    return `${kind}, grace ${this.graceMs} ms`;
  }
}
