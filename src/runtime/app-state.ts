import { CdcStreamsError } from '../common/errors.js';
import type { AppState } from './app-snapshot.js';

const ALLOWED: Readonly<Record<AppState, readonly AppState[]>> = {
  CREATED: ['STARTING', 'PENDING_SHUTDOWN', 'ERROR'],
  STARTING: ['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'ERROR'],
  REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING', 'ERROR'],
  NOT_RUNNING: [],
  ERROR: ['PENDING_SHUTDOWN', 'NOT_RUNNING'],
};

export class IllegalAppStateError extends CdcStreamsError {
  constructor(from: AppState, to: AppState) {
    super(`the application cannot go from ${from} to ${to}`, { code: 'APP_STATE' });
  }
}

/** The application's lifecycle, transitions as in Kafka Streams' KafkaStreams.State. */
export class AppStateMachine {
  private current: AppState = 'CREATED';

  get state(): AppState {
    return this.current;
  }

  transitionTo(next: AppState): void {
    if (next === this.current) return;
    if (!ALLOWED[this.current].includes(next)) throw new IllegalAppStateError(this.current, next);
    this.current = next;
  }

  /** Moves only if allowed (used on shutdown paths where the state may already have moved on). */
  tryTransitionTo(next: AppState): boolean {
    if (next === this.current) return true;
    if (!ALLOWED[this.current].includes(next)) return false;
    this.current = next;
    return true;
  }
}
