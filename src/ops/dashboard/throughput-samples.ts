import type { AppSnapshot } from '../../runtime/app-snapshot.js';
import type { ThroughputPanel, ThroughputPoint } from './dashboard-types.js';

interface Counters {
  readonly at: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly commits: number;
  readonly commitMs: number;
  readonly oldestHeldMs: number;
}

const MIN_INTERVAL_MS = 1000;
const MAX_POINTS = 180;

/**
 * Rates for the throughput and latency sparklines, from the snapshot's counters: a point is added
 * when the dashboard reads and at least a second has passed since the last one, so nothing is sampled
 * while nobody looks. A counter that went down (the application restarted its tasks) gives no rate.
 */
export class ThroughputSamples {
  private last: Counters | undefined;
  private readonly points: ThroughputPoint[] = [];

  /** `isOutput`: which topics count as output (not internal, changelog or dead-letter ones). */
  constructor(private readonly isOutput: (topic: string) => boolean) {}

  observe(snapshot: AppSnapshot, now: number): void {
    if (this.last !== undefined && now - this.last.at < MIN_INTERVAL_MS) return;
    const counters: Counters = {
      at: now,
      recordsIn: sum(Object.values(snapshot.recordsIn)),
      recordsOut: sum(Object.entries(snapshot.recordsOut).filter(([topic]) => this.isOutput(topic)).map(([, n]) => n)),
      commits: snapshot.commits.count,
      commitMs: snapshot.commits.totalMs,
      oldestHeldMs: oldestHeld(snapshot),
    };
    const previous = this.last;
    this.last = counters;
    if (previous === undefined) return;
    const seconds = (counters.at - previous.at) / 1000;
    const commits = counters.commits - previous.commits;
    this.points.push({
      at: now,
      inPerSecond: rate(counters.recordsIn - previous.recordsIn, seconds),
      outPerSecond: rate(counters.recordsOut - previous.recordsOut, seconds),
      commitMs: commits > 0 ? (counters.commitMs - previous.commitMs) / commits : null,
      oldestHeldMs: counters.oldestHeldMs,
    });
    if (this.points.length > MAX_POINTS) this.points.shift();
  }

  panel(): ThroughputPanel {
    return { points: [...this.points] };
  }
}

function rate(delta: number, seconds: number): number {
  return delta < 0 || seconds <= 0 ? 0 : delta / seconds;
}

function oldestHeld(snapshot: AppSnapshot): number {
  let oldest = 0;
  for (const task of snapshot.tasks) {
    for (const metrics of Object.values(task.processors)) {
      for (const [name, value] of Object.entries(metrics)) if (name.startsWith('oldestHeldMs:') && value > oldest) oldest = value;
    }
  }
  return oldest;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
