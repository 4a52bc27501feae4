import type { Cancellable, PunctuationType, Punctuator } from '../../processor/punctuation.js';
import type { RuntimeNode } from './runtime-node.js';

export interface ScheduledPunctuation extends Cancellable {
  readonly node: RuntimeNode;
  readonly type: PunctuationType;
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  nextDue: number;
  cancelled: boolean;
}

/** The punctuations of one task, fired in schedule order when their clock passes their due time. */
export class PunctuationSchedule {
  private readonly entries: ScheduledPunctuation[] = [];

  add(node: RuntimeNode, type: PunctuationType, intervalMs: number, punctuator: Punctuator, now: number): Cancellable {
    const entry: ScheduledPunctuation = {
      node,
      type,
      intervalMs,
      punctuator,
      // Before the first record stream time is -Infinity; the first record then fires at once and aligns.
      nextDue: Number.isFinite(now) ? now + intervalMs : Number.NEGATIVE_INFINITY,
      cancelled: false,
      cancel: () => {
        entry.cancelled = true;
        const index = this.entries.indexOf(entry);
        if (index >= 0) this.entries.splice(index, 1);
      },
    };
    this.entries.push(entry);
    return entry;
  }

  /** Whether any punctuation of `type` is due at `now`: a synchronous check, so most records await nothing. */
  hasDue(type: PunctuationType, now: number): boolean {
    for (const entry of this.entries) if (entry.type === type && !entry.cancelled && entry.nextDue <= now) return true;
    return false;
  }

  /** Punctuations of `type` due at `now`; each is moved to its next due time past `now`. */
  due(type: PunctuationType, now: number): ScheduledPunctuation[] {
    const due: ScheduledPunctuation[] = [];
    for (const entry of this.entries) {
      if (entry.type !== type || entry.cancelled || entry.nextDue > now) continue;
      due.push(entry);
      // One call per clock advance however far it jumped, as Kafka Streams does.
      entry.nextDue = Number.isFinite(entry.nextDue)
        ? entry.nextDue + Math.max(1, Math.ceil((now - entry.nextDue + 1) / entry.intervalMs)) * entry.intervalMs
        : now + entry.intervalMs;
    }
    return due;
  }
}
