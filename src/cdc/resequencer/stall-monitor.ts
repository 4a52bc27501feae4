interface Mark {
  readonly at: number;
  gtidSequence: bigint;
}

const MAX_MARKS = 64;

/**
 * Tells, per shard, whether held events have waited for the watermark longer than `maxHoldMs` of wall
 * clock, without a timestamp per held event. At each check it notes (now, highest GTID sequence held);
 * a note is dropped once the watermark passes its sequence. The oldest note left says since when
 * something has been waiting, so an event held at time t is reported stalled by t + maxHoldMs + one
 * check interval. At most MAX_MARKS notes per shard: beyond that the newest note absorbs later
 * sequences and keeps its older time, which can only report a stall earlier, never later.
 */
export class StallMonitor {
  private readonly marks = new Map<string, Mark[]>();

  constructor(private readonly maxHoldMs: number) {}

  /**
   * Records the shard's highest held sequence (undefined: nothing held) against its watermark and
   * returns how long the oldest still-waiting note has waited, or undefined if none.
   */
  check(serverId: string, maxHeld: bigint | undefined, watermark: bigint | undefined, now: number): number | undefined {
    let marks = this.marks.get(serverId);
    if (maxHeld === undefined || (watermark !== undefined && maxHeld <= watermark)) {
      this.marks.delete(serverId);
      return undefined;
    }
    if (marks === undefined) {
      marks = [];
      this.marks.set(serverId, marks);
    }
    while (marks.length > 0 && watermark !== undefined && (marks[0] as Mark).gtidSequence <= watermark) marks.shift();
    const last = marks[marks.length - 1];
    if (last === undefined || last.gtidSequence < maxHeld) {
      if (last !== undefined && marks.length >= MAX_MARKS) last.gtidSequence = maxHeld;
      else marks.push({ at: now, gtidSequence: maxHeld });
    }
    const oldest = marks[0];
    return oldest === undefined ? undefined : now - oldest.at;
  }

  isStalled(waitedMs: number | undefined): boolean {
    return waitedMs !== undefined && waitedMs >= this.maxHoldMs;
  }

  forget(serverId: string): void {
    this.marks.delete(serverId);
  }
}
