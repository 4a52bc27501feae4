import type { Logger } from '../../common/logger.js';
import type { RuntimeStats } from '../runtime-stats.js';
import { CommitProtocol } from '../task/commit-protocol.js';
import type { TaskPort } from '../task/task-port.js';
import type { ProcessingGuarantee } from './processing-guarantee.js';
import type { RunningTask } from './running-task.js';

/**
 * Commits running tasks (docs/runtime.md, "Commits"): the steps of one commit are CommitProtocol's, the
 * guarantee makes records durable and commits offsets. Returns the tasks another instance fenced. The
 * offsets a commit made durable are kept on each task (`RunningTask.committed`) for purging.
 */
export class TaskCommitter {
  private readonly tasks = new Map<TaskPort, RunningTask>();
  private readonly protocol: CommitProtocol;

  constructor(
    private readonly guarantee: ProcessingGuarantee,
    private readonly stats: RuntimeStats,
    private readonly logger: Logger,
  ) {
    this.protocol = new CommitProtocol({
      sendChangelog: (port, records) => this.taskOf(port).channel.send(records),
      commit: async (requests) => {
        const outcomes = await this.guarantee.commit(requests.map((r) => ({ channel: this.taskOf(r.port).channel, partition: r.port.partition, offsets: r.offsets })));
        // Step 3 is over: these offsets are the group's now (exactly_once: their transaction committed).
        requests.forEach((request, i) => {
          if (outcomes[i]?.kind !== 'committed') return;
          const { committed } = this.taskOf(request.port);
          for (const [topic, offset] of request.offsets) committed.set(topic, BigInt(offset));
        });
        return outcomes;
      },
    });
  }

  /**
   * Commits the tasks with uncommitted work. `bestEffort` (before a rebalance, for a revoked task): a
   * failure is logged, not thrown; what was not committed is processed again by the next owner, which
   * both guarantees allow (exactly_once aborts it first).
   */
  async commit(tasks: Iterable<RunningTask>, bestEffort: boolean): Promise<RunningTask[]> {
    const dirty = [...tasks].filter((t) => t.dirty);
    if (dirty.length === 0) return [];
    const started = Date.now();
    for (const t of dirty) this.tasks.set(t.port, t);
    try {
      const fencedPorts = new Set(await this.protocol.commit(dirty.map((t) => t.port)));
      const fenced = dirty.filter((t) => fencedPorts.has(t.port));
      for (const t of dirty) {
        if (fencedPorts.has(t.port)) continue;
        t.dirty = false;
        t.wantsCommit = false;
      }
      for (const t of fenced) this.logger.warn('task migrated: producer fenced, closing it without committing', { task: t.key });
      this.stats.commitTook(Date.now() - started);
      return fenced;
    } catch (error) {
      if (!bestEffort) throw error;
      this.logger.warn('commit failed during a rebalance; uncommitted records will be processed again', { err: error });
      for (const t of dirty) await this.guarantee.abort(t.channel).catch((abortError: unknown) => this.logger.warn('aborting after a failed commit failed', { task: t.key, err: abortError }));
      return [];
    } finally {
      this.tasks.clear();
    }
  }

  private taskOf(port: TaskPort): RunningTask {
    const task = this.tasks.get(port);
    if (task === undefined) throw new Error(`task ${port.taskId} is not part of this commit`);
    return task;
  }
}
