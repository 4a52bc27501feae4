/**
 * A multiset of due times that answers "which is the earliest?" in O(log n): a count per due time and
 * a binary min-heap of the due times, where a removed one stays in the heap until it reaches the top.
 * The timer service asks for the earliest timer registered since its last scan on every watermark;
 * recomputing it by a pass over those timers made a task with many open deadlines quadratic.
 */
export class EarliestDueTimes {
  private readonly counts = new Map<number, number>();
  private readonly heap: number[] = [];

  add(dueTime: number): void {
    const count = this.counts.get(dueTime) ?? 0;
    this.counts.set(dueTime, count + 1);
    if (count === 0) this.push(dueTime);
  }

  /** Removes one occurrence of `dueTime`; one that was never added is ignored. */
  remove(dueTime: number): void {
    const count = this.counts.get(dueTime);
    if (count === undefined) return;
    if (count > 1) this.counts.set(dueTime, count - 1);
    else this.counts.delete(dueTime);
  }

  /** The earliest due time held, Infinity when none. */
  earliest(): number {
    const heap = this.heap;
    while (heap.length > 0 && !this.counts.has(heap[0] as number)) this.pop();
    return heap.length > 0 ? (heap[0] as number) : Infinity;
  }

  clear(): void {
    this.counts.clear();
    this.heap.length = 0;
  }

  private push(dueTime: number): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(dueTime);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as number;
      if (above <= dueTime) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = dueTime;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as number;
    const size = heap.length;
    if (size === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
  }
}
