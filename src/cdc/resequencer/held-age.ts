interface Mark {
  readonly at: number;
  gtidSequence: bigint;
}

/** Marks closer together than this share one (the newer sequence keeps the older time). */
const COALESCE_MS = 250;
const MAX_MARKS = 64;

/**
 * How long the oldest event held for a shard has waited, without a timestamp per held event: when a
 * shard's highest held GTID sequence grows it notes (now, sequence), coalescing notes closer than
 * COALESCE_MS and keeping at most MAX_MARKS; a release through W drops the notes at or below W. The
 * oldest note left is the answer. Like StallMonitor it can only err towards older: an event that
 * arrives later below an earlier note is counted from that note's time. Held events restored after a
 * restart count from the restart.
 */
export class HeldAge {
  private readonly marks = new Map<string, Mark[]>();

  /** The shard now holds an event at `gtidSequence`, newer than anything it held. */
  heldNewer(serverId: string, gtidSequence: bigint, now: number): void {
    let marks = this.marks.get(serverId);
    if (marks === undefined) {
      marks = [];
      this.marks.set(serverId, marks);
    }
    const last = marks[marks.length - 1];
    if (last !== undefined && (now - last.at < COALESCE_MS || marks.length >= MAX_MARKS)) last.gtidSequence = gtidSequence;
    else marks.push({ at: now, gtidSequence });
  }

  /** Events of the shard through `gtidSequence` were released. */
  releasedThrough(serverId: string, gtidSequence: bigint): void {
    const marks = this.marks.get(serverId);
    if (marks === undefined) return;
    while (marks.length > 0 && (marks[0] as Mark).gtidSequence <= gtidSequence) marks.shift();
    if (marks.length === 0) this.marks.delete(serverId);
  }

  /** Everything held for the shard was released. */
  releasedAll(serverId: string): void {
    this.marks.delete(serverId);
  }

  /** Milliseconds the oldest held event of the shard has waited, or undefined when it holds nothing. */
  oldestMs(serverId: string, now: number): number | undefined {
    const oldest = this.marks.get(serverId)?.[0];
    return oldest === undefined ? undefined : Math.max(0, now - oldest.at);
  }
}
