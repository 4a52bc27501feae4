type Kind = 'shared' | 'exclusive';

interface Waiting {
  readonly kind: Kind;
  readonly start: () => void;
}

/**
 * Orders the runtime's work like a read-write lock, first come first served: batches of different
 * tasks run side by side (`shared` — each task still gets one batch at a time from the consumer, and
 * while one task waits for RocksDB another computes); commits, wall-clock punctuation and rebalance
 * handling run alone (`exclusive`), so they always see every task between two batches.
 */
export class TaskScheduler {
  private activeShared = 0;
  private activeExclusive = false;
  private readonly waiting: Waiting[] = [];
  private idleWaiters: Array<() => void> = [];

  /** Runs alongside other shared jobs. */
  shared<T>(job: () => Promise<T>): Promise<T> {
    return this.enqueue('shared', job);
  }

  /** Runs alone, after everything submitted before it. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    return this.enqueue('exclusive', job);
  }

  /** Jobs waiting or running. */
  get pending(): number {
    return this.waiting.length + this.activeShared + (this.activeExclusive ? 1 : 0);
  }

  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue<T>(kind: Kind, job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        kind,
        start: () => {
          job().then(resolve, reject).finally(() => this.finish(kind));
        },
      });
      this.pump();
    });
  }

  private finish(kind: Kind): void {
    if (kind === 'shared') this.activeShared--;
    else this.activeExclusive = false;
    this.pump();
    if (this.pending === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private pump(): void {
    while (this.waiting.length > 0 && !this.activeExclusive) {
      const next = this.waiting[0]!;
      if (next.kind === 'exclusive') {
        if (this.activeShared > 0) return;
        this.waiting.shift();
        this.activeExclusive = true;
        next.start();
        return;
      }
      this.waiting.shift();
      this.activeShared++;
      next.start();
    }
  }
}
