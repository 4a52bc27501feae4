import type { PartitionLag, RestoreProgress } from './app-snapshot.js';

/** Counters the runtime keeps for the snapshot; plain numbers, updated once per batch or commit. */
export class RuntimeStats {
  readonly recordsIn = new Map<string, number>();
  readonly lag = new Map<string, PartitionLag>();
  readonly restore = new Map<string, RestoreProgress>();
  deadLetters = 0;
  commitCount = 0;
  commitTotalMs = 0;
  commitLastMs = 0;
  commitMaxMs = 0;

  countIn(topic: string, records: number): void {
    this.recordsIn.set(topic, (this.recordsIn.get(topic) ?? 0) + records);
  }

  setLag(topic: string, partition: number, lag: number): void {
    this.lag.set(`${topic}:${partition}`, { topic, partition, lag: Math.max(0, lag) });
  }

  dropLag(topic: string, partition: number): void {
    this.lag.delete(`${topic}:${partition}`);
  }

  commitTook(ms: number): void {
    this.commitCount++;
    this.commitTotalMs += ms;
    this.commitLastMs = ms;
    if (ms > this.commitMaxMs) this.commitMaxMs = ms;
  }
}
