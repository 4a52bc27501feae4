import type { RebalanceEvent, TaskTransition } from './app-snapshot.js';
import type { TaskState } from './task/task-state.js';

const MAX_REBALANCES = 50;
const MAX_TRANSITIONS = 300;

/**
 * What happened to this instance's assignment, for operators: each rebalance (when it began, which
 * tasks it brought and took away, how long it took) and every task lifecycle transition, so that a
 * restore that took a few milliseconds is still visible afterwards. Bounded: the oldest entries go.
 * Fed by one-line hooks from the runtime; read only when a snapshot is built.
 */
export class RebalanceHistory {
  private readonly rebalances: RebalanceEvent[] = [];
  private readonly transitions: TaskTransition[] = [];
  private assigned = new Set<string>();
  private startedAt: number | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  /** The group began a rebalance (this instance is rejoining). */
  rebalanceStarted(): void {
    const at = this.clock();
    this.startedAt ??= at;
    push(this.rebalances, { at, kind: 'started', tasks: [...this.assigned].sort(), added: [], removed: [] }, MAX_REBALANCES);
  }

  /** The instance now runs exactly `tasks`. */
  assignmentApplied(tasks: Iterable<string>): void {
    const at = this.clock();
    const next = new Set(tasks);
    const added = [...next].filter((t) => !this.assigned.has(t)).sort();
    const removed = [...this.assigned].filter((t) => !next.has(t)).sort();
    const durationMs = this.startedAt === undefined ? undefined : at - this.startedAt;
    push(this.rebalances, { at, kind: 'assigned', tasks: [...next].sort(), added, removed, ...(durationMs === undefined ? {} : { durationMs }) }, MAX_REBALANCES);
    this.assigned = next;
    this.startedAt = undefined;
  }

  taskTransition(taskId: string, from: TaskState, to: TaskState): void {
    push(this.transitions, { at: this.clock(), taskId, from, to }, MAX_TRANSITIONS);
  }

  /** Oldest first. */
  rebalanceEvents(): RebalanceEvent[] {
    return [...this.rebalances];
  }

  /** Oldest first. */
  taskTransitions(): TaskTransition[] {
    return [...this.transitions];
  }
}

function push<T>(list: T[], entry: T, max: number): void {
  list.push(entry);
  if (list.length > max) list.splice(0, list.length - max);
}
