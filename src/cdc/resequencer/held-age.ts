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
 * COALESCE_MS; a release through W drops the notes at or below W. The oldest note left is the answer.
 * At MAX_MARKS notes the two closest in time are merged (the earlier time, the higher sequence), so a
 * long hold spreads the notes evenly over it instead of losing them. It is off by at most the gap
 * between two notes (COALESCE_MS while few are kept): the events a note covers arrived between the
 * previous note and it, and one that arrives later below an earlier note counts from that note's time.
 * Held events restored after a restart count from the restart.
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
    if (last !== undefined && now - last.at < COALESCE_MS) {
      last.gtidSequence = gtidSequence;
      return;
    }
    if (marks.length >= MAX_MARKS) mergeClosestPair(marks);
    marks.push({ at: now, gtidSequence });
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

function mergeClosestPair(marks: Mark[]): void {
  let closest = 0;
  for (let i = 1; i < marks.length - 1; i++) {
    if (marks[i + 1]!.at - marks[i]!.at < marks[closest + 1]!.at - marks[closest]!.at) closest = i;
  }
  marks[closest]!.gtidSequence = marks[closest + 1]!.gtidSequence;
  marks.splice(closest + 1, 1);
}
