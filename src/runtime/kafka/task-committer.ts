import type { Logger } from '../../common/logger.js';
import type { RuntimeStats } from '../runtime-stats.js';
import { CommitProtocol } from '../task/commit-protocol.js';
import type { TaskPort } from '../task/task-port.js';
import type { ProcessingGuarantee, TaskChannel } from './processing-guarantee.js';
import type { RunningTask } from './running-task.js';

/**
 * Commits running tasks (docs/runtime.md, "Commits"): the steps of one commit are CommitProtocol's, the
 * guarantee makes records durable and commits offsets. Returns the tasks another instance fenced.
 */
export class TaskCommitter {
  private readonly channels = new Map<TaskPort, TaskChannel>();
  private readonly protocol: CommitProtocol;

  constructor(
    private readonly guarantee: ProcessingGuarantee,
    private readonly stats: RuntimeStats,
    private readonly logger: Logger,
  ) {
    this.protocol = new CommitProtocol({
      sendChangelog: (port, records) => this.channelOf(port).send(records),
      commit: (requests) => this.guarantee.commit(requests.map((r) => ({ channel: this.channelOf(r.port), partition: r.port.partition, offsets: r.offsets }))),
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
    for (const t of dirty) this.channels.set(t.port, t.channel);
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
      this.channels.clear();
    }
  }

  private channelOf(port: TaskPort): TaskChannel {
    const channel = this.channels.get(port);
    if (channel === undefined) throw new Error(`task ${port.taskId} is not part of this commit`);
    return channel;
  }
}
