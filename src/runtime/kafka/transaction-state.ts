import { CdcStreamsError } from '../../common/errors.js';

/**
 * A task's transactional producer, as a state machine (kafkajs guards its own the same way, in
 * `producer/eosManager`): the legal transitions are written down here and checked on every call.
 *
 *     READY ──send──▶ IN_TRANSACTION ──commit──▶ COMMITTING ──▶ READY
 *       │                 │  └──abort──▶ ABORTING ──▶ READY
 *       └──commit (offsets only)──▶ COMMITTING
 *     any ──fenced──▶ FENCED ──close──▶ CLOSED;  READY/FENCED ──close──▶ CLOSED
 *     ABORTING ──close──▶ CLOSED (an abort that failed: the producer is closed all the same)
 */
export type TransactionState = 'READY' | 'IN_TRANSACTION' | 'COMMITTING' | 'ABORTING' | 'FENCED' | 'CLOSED';

const LEGAL: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  READY: ['IN_TRANSACTION', 'COMMITTING', 'ABORTING', 'FENCED', 'CLOSED'],
  IN_TRANSACTION: ['COMMITTING', 'ABORTING', 'FENCED'],
  COMMITTING: ['READY', 'ABORTING', 'FENCED'],
  ABORTING: ['READY', 'FENCED', 'CLOSED'],
  FENCED: ['CLOSED'],
  CLOSED: [],
};

export class IllegalTransactionStateError extends CdcStreamsError {
  constructor(taskId: string, from: TransactionState, to: TransactionState) {
    super(`task ${taskId}: its transactional producer cannot go from ${from} to ${to}`, { code: 'ILLEGAL_TRANSACTION_STATE' });
  }
}

export class TransactionStateMachine {
  private current: TransactionState = 'READY';

  constructor(private readonly taskId: string) {}

  get state(): TransactionState {
    return this.current;
  }

  transitionTo(next: TransactionState): void {
    if (!LEGAL[this.current].includes(next)) throw new IllegalTransactionStateError(this.taskId, this.current, next);
    this.current = next;
  }

  /** True when `state` is the current one: a guard for steps that are legal in one state only. */
  is(state: TransactionState): boolean {
    return this.current === state;
  }
}
