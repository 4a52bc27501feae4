import type { OutputRecord } from './input-record.js';
import type { TaskState } from './task-state.js';

/**
 * What a host hears from its tasks besides their output, for the operator's history: lifecycle
 * transitions and dead letters (every record the task's output hands over for the dead-letter topic).
 * Neither happens per ordinary record, so observing costs the processing path nothing.
 */
export interface TaskObserver {
  taskStateChanged(taskId: string, from: TaskState, to: TaskState): void;
  /** A record was handed to the collector for the dead-letter topic. */
  deadLettered(taskId: string, record: OutputRecord): void;
}
