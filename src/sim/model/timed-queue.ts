interface Slot<T> {
  readonly time: number;
  readonly tie: number;
  readonly item: T;
}

/**
 * A binary min-heap by event time; items due at the same second come out in the order they were
 * scheduled, so the simulation stays deterministic.
 */
export class TimedQueue<T> {
  private readonly heap: Slot<T>[] = [];
  private ties = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, item: T): void {
    this.heap.push({ time, tie: this.ties++, item });
    this.up(this.heap.length - 1);
  }

  pop(): { time: number; item: T } | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return { time: top.time, item: top.item };
  }

  private before(a: Slot<T>, b: Slot<T>): boolean {
    return a.time < b.time || (a.time === b.time && a.tie < b.tie);
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.swapIfBefore(i, parent)) return;
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.before(this.at(left), this.at(smallest))) smallest = left;
      if (right < this.heap.length && this.before(this.at(right), this.at(smallest))) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  /** Swaps child `i` with `parent` when the child comes first; says whether it did. */
  private swapIfBefore(i: number, parent: number): boolean {
    if (!this.before(this.at(i), this.at(parent))) return false;
    this.swap(i, parent);
    return true;
  }

  private swap(a: number, b: number): void {
    const x = this.at(a);
    this.heap[a] = this.at(b);
    this.heap[b] = x;
  }

  private at(index: number): Slot<T> {
    const slot = this.heap[index];
    if (slot === undefined) throw new RangeError(`TimedQueue: no slot ${index}`);
    return slot;
  }
}
