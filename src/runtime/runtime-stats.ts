import type { AppSnapshot, PartitionLag, RestoreProgress } from './app-snapshot.js';
import { RebalanceHistory } from './rebalance-history.js';
import { RecentDeadLetters } from './recent-dead-letters.js';
import type { OutputRecord } from './task/input-record.js';
import type { TaskObserver } from './task/task-observer.js';
import type { TaskState } from './task/task-state.js';

/**
 * Counters the runtime keeps for the snapshot; plain numbers, updated once per batch or commit. It also
 * hears its tasks' transitions and dead letters and keeps the last few, with the rebalances, for operators.
 */
export class RuntimeStats implements TaskObserver {
  readonly history = new RebalanceHistory();
  readonly recentDeadLetters = new RecentDeadLetters();
  readonly recordsIn = new Map<string, number>();
  /** Offsets deleted from each repartition topic by purging (records, markers and control records). */
  readonly recordsPurged = new Map<string, number>();
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

  countPurged(topic: string, records: number): void {
    this.recordsPurged.set(topic, (this.recordsPurged.get(topic) ?? 0) + records);
  }

  setLag(topic: string, partition: number, lag: number): void {
    this.lag.set(`${topic}:${partition}`, { topic, partition, lag: Math.max(0, lag) });
  }

  dropLag(topic: string, partition: number): void {
    this.lag.delete(`${topic}:${partition}`);
  }

  taskStateChanged(taskId: string, from: TaskState, to: TaskState): void {
    this.history.taskTransition(taskId, from, to);
  }

  deadLettered(taskId: string, record: OutputRecord): void {
    this.recentDeadLetters.add(taskId, record);
  }

  /** The history part of the snapshot. */
  activity(): Pick<AppSnapshot, 'taskTransitions' | 'rebalances' | 'recentDeadLetters'> {
    return { taskTransitions: this.history.taskTransitions(), rebalances: this.history.rebalanceEvents(), recentDeadLetters: this.recentDeadLetters.list() };
  }

  commitTook(ms: number): void {
    this.commitCount++;
    this.commitTotalMs += ms;
    this.commitLastMs = ms;
    if (ms > this.commitMaxMs) this.commitMaxMs = ms;
  }
}
