/**
 * Something a processor wants an operator to read: why an event was flagged late, why a shard is
 * stalled. Counters say how often; a note says what happened, with the key or shard it happened to.
 */
export interface ProcessorNote {
  /** Wall-clock time of the note, ms since the Unix epoch. */
  readonly at: number;
  /** A short stable word to group or filter by, e.g. `late` or `stall`. */
  readonly kind: string;
  readonly message: string;
}

const DEFAULT_CAPACITY = 20;

/**
 * The last few notes, oldest first: a fixed-size ring, so a processor that notes every late event of a
 * burst keeps a bounded amount of memory. Notes are for people; counters stay the processor's metrics.
 */
export class RecentNotes {
  private readonly ring: ProcessorNote[] = [];
  private next = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  add(note: ProcessorNote): void {
    if (this.ring.length < this.capacity) this.ring.push(note);
    else this.ring[this.next] = note;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  list(): ProcessorNote[] {
    if (this.ring.length < this.capacity) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
