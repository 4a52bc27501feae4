import { CdcStreamsError } from '../../common/errors.js';

/** A task's lifecycle. Allowed transitions are listed here, and nowhere else. */
export type TaskState = 'CREATED' | 'RESTORING' | 'RUNNING' | 'SUSPENDED' | 'CLOSED';

const ALLOWED: Readonly<Record<TaskState, readonly TaskState[]>> = {
  CREATED: ['RESTORING', 'CLOSED'],
  RESTORING: ['RUNNING', 'SUSPENDED', 'CLOSED'],
  RUNNING: ['SUSPENDED', 'CLOSED'],
  SUSPENDED: ['RESTORING', 'RUNNING', 'CLOSED'],
  CLOSED: [],
};

export class IllegalTaskStateError extends CdcStreamsError {
  constructor(taskId: string, from: TaskState, to: TaskState) {
    super(`task ${taskId} cannot go from ${from} to ${to}`, { code: 'TASK_STATE' });
  }
}

export class TaskStateMachine {
  private current: TaskState = 'CREATED';

  constructor(
    private readonly taskId: string,
    private readonly onTransition?: (from: TaskState, to: TaskState) => void,
  ) {}

  get state(): TaskState {
    return this.current;
  }

  transitionTo(next: TaskState): void {
    if (!ALLOWED[this.current].includes(next)) throw new IllegalTaskStateError(this.taskId, this.current, next);
    const from = this.current;
    this.current = next;
    this.onTransition?.(from, next);
  }
}
