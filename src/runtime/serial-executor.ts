/**
 * Runs async jobs one at a time, in submission order: batch processing, punctuation, commits and
 * rebalance handling never interleave, so tasks see the same sequential world as in the test driver.
 */
export class SerialExecutor {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(job: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  get queued(): number {
    return this.pending;
  }

  /** Resolves once everything submitted so far has finished (whatever its outcome). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
