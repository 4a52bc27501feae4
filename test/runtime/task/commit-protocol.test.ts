import { describe, expect, it } from 'vitest';
import { CommitProtocol, type TaskCommitOutcome } from '../../../src/runtime/task/commit-protocol.js';
import type { ChangelogWrite } from '../../../src/runtime/task/stream-task.js';
import type { TaskPort } from '../../../src/runtime/task/task-port.js';

const ORDERS = 'app-orders-changelog';
const DEADLINES = 'app-payment-deadlines-changelog';

function write(store: string, topic: string): ChangelogWrite {
  return { store, topic, partition: 2, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 0, headers: {} };
}

/** A task whose commit carries `changelog`; returns the checkpoints its step 4 was given. */
function task(changelog: readonly ChangelogWrite[]): { port: TaskPort; checkpoints: Array<ReadonlyMap<string, string>> } {
  const checkpoints: Array<ReadonlyMap<string, string>> = [];
  const port = {
    taskId: '1_2',
    partition: 2,
    prepareCommit: async () => ({ changelog, offsets: new Map([['app-input', '10']]) }),
    completeCommit: async (next: ReadonlyMap<string, string>) => {
      checkpoints.push(next);
    },
  } as Partial<TaskPort> as TaskPort;
  return { port, checkpoints };
}

function protocol(outcome: TaskCommitOutcome): CommitProtocol {
  return new CommitProtocol({ sendChangelog: () => undefined, commit: async (requests) => requests.map(() => outcome) });
}

describe('CommitProtocol: the changelog offset each store checkpoints', () => {
  const changelog = [write('orders', ORDERS), write('orders', ORDERS), write('payment-deadlines', DEADLINES)];
  const lastOffsets = new Map([
    [`${ORDERS}:2`, '120'],
    [`${DEADLINES}:2`, '191'],
  ]);

  it('is the offset after the last record the store wrote when no commit marker follows (at_least_once)', async () => {
    const { port, checkpoints } = task(changelog);
    await protocol({ kind: 'committed', lastOffsets }).commit([port]);
    expect(checkpoints).toEqual([new Map([['orders', '121'], ['payment-deadlines', '192']])]);
  });

  it('is past the commit marker after a transaction, so a restart with nothing newer reads nothing', async () => {
    const { port, checkpoints } = task(changelog);
    await protocol({ kind: 'committed', lastOffsets, commitMarkers: true }).commit([port]);
    expect(checkpoints).toEqual([new Map([['orders', '122'], ['payment-deadlines', '193']])]);
  });

  it('is left as it was for a store that wrote nothing in the commit', async () => {
    const { port, checkpoints } = task([write('orders', ORDERS)]);
    await protocol({ kind: 'committed', lastOffsets: new Map([[`${ORDERS}:2`, '7']]), commitMarkers: true }).commit([port]);
    expect(checkpoints).toEqual([new Map([['orders', '9']])]);
  });
});
