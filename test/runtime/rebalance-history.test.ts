import { describe, expect, it } from 'vitest';
import { RebalanceHistory } from '../../src/runtime/rebalance-history.js';

describe('RebalanceHistory', () => {
  it('records what each assignment added and removed, and how long it took since the rebalance began', () => {
    let now = 1000;
    const history = new RebalanceHistory(() => now);
    history.rebalanceStarted();
    now = 1400;
    history.assignmentApplied(['0_1', '0_0']);
    now = 5000;
    history.rebalanceStarted();
    now = 5250;
    history.assignmentApplied(['0_1', '1_0']);
    expect(history.rebalanceEvents()).toEqual([
      { at: 1000, kind: 'started', tasks: [], added: [], removed: [] },
      { at: 1400, kind: 'assigned', tasks: ['0_0', '0_1'], added: ['0_0', '0_1'], removed: [], durationMs: 400 },
      { at: 5000, kind: 'started', tasks: ['0_0', '0_1'], added: [], removed: [] },
      { at: 5250, kind: 'assigned', tasks: ['0_1', '1_0'], added: ['1_0'], removed: ['0_0'], durationMs: 250 },
    ]);
  });

  it('times a rebalance from its first start when the group restarts it before it completes', () => {
    let now = 0;
    const history = new RebalanceHistory(() => now);
    history.rebalanceStarted();
    now = 300;
    history.rebalanceStarted();
    now = 700;
    history.assignmentApplied(['0_0']);
    expect(history.rebalanceEvents().at(-1)).toMatchObject({ kind: 'assigned', durationMs: 700 });
  });

  it('keeps task transitions in order and only the most recent ones', () => {
    let now = 0;
    const history = new RebalanceHistory(() => now++);
    for (let i = 0; i < 400; i++) history.taskTransition(`0_${i}`, 'CREATED', 'RESTORING');
    history.taskTransition('0_9', 'RESTORING', 'RUNNING');
    const transitions = history.taskTransitions();
    expect(transitions).toHaveLength(300);
    expect(transitions.at(-1)).toEqual({ at: 400, taskId: '0_9', from: 'RESTORING', to: 'RUNNING' });
    expect(transitions[0]?.taskId).toBe('0_101');
  });
});
