import type { AppSnapshot, OperableApp } from '../runtime/app-snapshot.js';

/**
 * Hands every metric of one scrape the same snapshot, so the series of a scrape agree with each
 * other (task counts with readiness, commit count with commit time) and the app builds one
 * snapshot per scrape instead of one per metric. Scrapes may overlap; the snapshot is kept while
 * any is running. Outside a scrape (a single metric read directly), every read is fresh.
 */
export class ScrapeSnapshot {
  private current: AppSnapshot | undefined;
  private scrapes = 0;

  constructor(private readonly app: OperableApp) {}

  async during<T>(scrape: () => Promise<T>): Promise<T> {
    this.scrapes += 1;
    try {
      return await scrape();
    } finally {
      this.scrapes -= 1;
      if (this.scrapes === 0) this.current = undefined;
    }
  }

  get(): AppSnapshot {
    if (this.scrapes === 0) return this.app.snapshot();
    this.current ??= this.app.snapshot();
    return this.current;
  }
}
