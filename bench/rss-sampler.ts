/** Samples `process.memoryUsage().rss` every `everyMs` and keeps the peak (MB). */
export class RssSampler {
  private peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 200) {
    this.timer = setInterval(() => {
      const rss = process.memoryUsage().rss;
      if (rss > this.peak) this.peak = rss;
    }, everyMs);
    this.timer.unref();
  }

  /** Peak so far in MB, including one sample now. */
  peakMb(): number {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    return Math.round(this.peak / 1048576);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The kernel's lifetime maximum RSS of this process (MB). */
export function maxRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
