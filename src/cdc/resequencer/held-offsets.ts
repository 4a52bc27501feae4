/** Offsets are counted in blocks of this many: memory grows with the span of held offsets / this, not per event. */
export const HELD_OFFSET_BLOCK = 1024;

/**
 * Where the held events came from in the resequencer's input partition, coarsely: how many held
 * events sit in each block of `HELD_OFFSET_BLOCK` consecutive offsets. `first()` is the start of the
 * lowest block that still holds one — never after the oldest held event, at most a block before it —
 * which is where the task's committed offset must stay: the held store has no changelog, so after a
 * crash the events still held are read again from there (docs/cdc.md, "Held events and the input
 * offset"). A few thousand numbers even for a million held events, since offsets of held events are
 * mostly near one another.
 */
export class HeldOffsets {
  private readonly counts = new Map<number, number>();
  /** Blocks with a count, ascending. */
  private readonly blocks: number[] = [];

  add(offset: number): void {
    const block = Math.floor(offset / HELD_OFFSET_BLOCK);
    const count = this.counts.get(block);
    if (count !== undefined) {
      this.counts.set(block, count + 1);
      return;
    }
    this.counts.set(block, 1);
    // Events arrive in offset order, so a new block is nearly always the last one.
    const last = this.blocks[this.blocks.length - 1];
    if (last === undefined || last < block) this.blocks.push(block);
    else this.blocks.splice(lowerBound(this.blocks, block), 0, block);
  }

  /** One event held at `offset` left the store. An offset never added (an event held before offsets were kept) is ignored. */
  remove(offset: number): void {
    const block = Math.floor(offset / HELD_OFFSET_BLOCK);
    const count = this.counts.get(block);
    if (count === undefined) return;
    if (count > 1) {
      this.counts.set(block, count - 1);
      return;
    }
    this.counts.delete(block);
    const at = lowerBound(this.blocks, block);
    if (this.blocks[at] === block) this.blocks.splice(at, 1);
  }

  /** The first offset to read again after a crash so that every held event is read; undefined when none is held. */
  first(): number | undefined {
    const block = this.blocks[0];
    return block === undefined ? undefined : block * HELD_OFFSET_BLOCK;
  }

  /** Blocks in use, for tests and the ops layer. */
  get blockCount(): number {
    return this.blocks.length;
  }
}

/** The index of the first element >= `value` in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
