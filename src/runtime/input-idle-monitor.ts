import type { Logger } from '../common/logger.js';

/**
 * Warns once when a running application has read no input record for `idleMs`, and again only after
 * records came in and then stopped once more. An input whose records were deleted by retention (old
 * CDC event times) otherwise looks exactly like a quiet one: running, healthy, and silent forever.
 */
export class InputIdleMonitor {
  private lastCount = -1;
  private lastChange: number;
  private warned = false;
  private wasReady = false;

  constructor(
    private readonly logger: Logger,
    private readonly idleMs: number,
    private readonly inputTopics: readonly string[],
    private readonly clock: () => number = Date.now,
  ) {
    this.lastChange = clock();
  }

  /**
   * Called periodically with the records read so far per topic; `ready` false (starting, restoring,
   * rebalancing) restarts the wait.
   */
  observe(recordsIn: ReadonlyMap<string, number>, ready: boolean): void {
    if (this.idleMs <= 0) return;
    const now = this.clock();
    let count = 0;
    for (const topic of this.inputTopics) count += recordsIn.get(topic) ?? 0;
    const becameReady = ready && !this.wasReady;
    this.wasReady = ready;
    if (!ready || becameReady || count !== this.lastCount) {
      this.lastCount = count;
      this.lastChange = now;
      this.warned = false;
      return;
    }
    if (this.warned || now - this.lastChange < this.idleMs) return;
    this.warned = true;
    this.logger.warn(`no input record read for ${Math.round((now - this.lastChange) / 1000)} s`, {
      inputTopics: this.inputTopics,
      recordsRead: count,
      hint: 'if the input is not just quiet: were its records deleted by retention before they were read? (inspect the topic; its log start offset)',
    });
  }
}
