import { describe, expect, it } from 'vitest';
import type { ChannelCommit, ProcessingGuarantee, TaskChannel } from '../../../src/runtime/kafka/processing-guarantee.js';
import type { RunningTask } from '../../../src/runtime/kafka/running-task.js';
import { TaskCommitter } from '../../../src/runtime/kafka/task-committer.js';
import { RuntimeStats } from '../../../src/runtime/runtime-stats.js';
import type { TaskCommitOutcome } from '../../../src/runtime/task/commit-protocol.js';
import type { TaskPort } from '../../../src/runtime/task/task-port.js';
import type { SubTopology } from '../../../src/topology/sub-topology.js';
import { recordingLogger } from '../../support/recording-logger.js';

const REPARTITION = 'app-resequence-repartition';

/** A task whose next commit offers `offsets`; only the calls a commit makes are answered. */
function runningTask(partition: number, offsets: Record<string, string>): RunningTask {
  const port = {
    taskId: `1_${partition}`,
    subTopologyId: 1,
    partition,
    thread: 'main',
    prepareCommit: async () => ({ changelog: [], offsets: new Map(Object.entries(offsets)) }),
    completeCommit: async () => undefined,
  } as Partial<TaskPort> as TaskPort;
  const channel: TaskChannel = { taskId: port.taskId, send: () => undefined };
  return {
    key: port.taskId,
    sub: { id: 1 } as SubTopology,
    port,
    channel,
    expected: new Map(),
    committed: new Map(),
    recordsProcessed: 0,
    dirty: true,
    wantsCommit: false,
    chain: Promise.resolve(),
  };
}

/** Answers each commit with the outcome `decide` gives the request, or throws what it throws. */
function guarantee(decide: (request: ChannelCommit) => TaskCommitOutcome): ProcessingGuarantee {
  return {
    name: 'exactly_once',
    commit: async (requests) => requests.map(decide),
    abort: async () => undefined,
  } as Partial<ProcessingGuarantee> as ProcessingGuarantee;
}

describe('TaskCommitter: the offsets purging may use', () => {
  it('keeps the offsets of a commit that went through on each task', async () => {
    const task = runningTask(0, { [REPARTITION]: '120', 'dts.sale': '33' });
    const committer = new TaskCommitter(guarantee(() => ({ kind: 'committed', lastOffsets: new Map() })), new RuntimeStats(), recordingLogger());
    await committer.commit([task], false);
    expect(task.committed).toEqual(new Map([[REPARTITION, 120n], ['dts.sale', 33n]]));
  });

  it('keeps nothing of a fenced task: its transaction was aborted and the offsets are not the group\'s', async () => {
    const fenced = runningTask(0, { [REPARTITION]: '500' });
    const kept = runningTask(1, { [REPARTITION]: '70' });
    fenced.committed.set(REPARTITION, 100n);
    const committer = new TaskCommitter(
      guarantee((r) => (r.partition === 0 ? { kind: 'fenced' } : { kind: 'committed', lastOffsets: new Map() })),
      new RuntimeStats(),
      recordingLogger(),
    );
    expect(await committer.commit([fenced, kept], false)).toEqual([fenced]);
    expect(fenced.committed).toEqual(new Map([[REPARTITION, 100n]]));
    expect(kept.committed).toEqual(new Map([[REPARTITION, 70n]]));
  });

  it('keeps nothing of a commit that failed', async () => {
    const task = runningTask(0, { [REPARTITION]: '500' });
    const failing = guarantee(() => {
      throw new Error('the coordinator is gone');
    });
    const committer = new TaskCommitter(failing, new RuntimeStats(), recordingLogger());
    expect(await committer.commit([task], true)).toEqual([]);
    expect(task.committed.size).toBe(0);
  });
});
