import type { Consumer } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import type { AppConfig } from '../app-config.js';
import type { RuntimeStats } from '../runtime-stats.js';
import { CommitProtocol } from '../task/commit-protocol.js';
import { isFencing } from './kafka-records.js';
import type { ProducerCollector } from './producer-collector.js';
import type { RunningTask } from './running-task.js';

export interface TaskCommitterOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly stats: RuntimeStats;
  /** The at_least_once producer's collector; there is none under exactly_once. Set once started. */
  readonly sharedCollector: () => ProducerCollector | undefined;
  /** Set once started; at_least_once commits offsets through the group's consumer. */
  readonly consumer: () => Consumer | undefined;
  /** Closes, without committing, a task whose transactional producer another instance fenced. */
  readonly closeFenced: (running: RunningTask) => Promise<void>;
}

/**
 * Commits the work of running tasks (docs/runtime.md, "Commits"); the steps of one commit are CommitProtocol's.
 * at_least_once: flush the shared producer, then commit the consumer's offsets, all dirty tasks at once.
 * exactly_once: one transaction per task with its outputs, changelog records and input offsets.
 */
export class TaskCommitter {
  constructor(private readonly options: TaskCommitterOptions) {}

  private get exactlyOnce(): boolean {
    return this.options.config.processingGuarantee === 'exactly_once';
  }

  /** Commits every task with uncommitted work. `bestEffort`: a failure (e.g. mid-rebalance) is logged, not fatal. */
  async commitAll(tasks: Iterable<RunningTask>, bestEffort: boolean): Promise<void> {
    const dirty = [...tasks].filter((t) => t.task.state === 'RUNNING' && t.task.hasUncommittedWork());
    if (dirty.length === 0) return;
    const started = Date.now();
    try {
      if (this.exactlyOnce) {
        for (const running of dirty) await this.commitTransactional(running);
      } else {
        const collector = this.options.sharedCollector()!;
        const consumer = this.options.consumer()!;
        const protocol = new CommitProtocol(collector, {
          commit: async (offsets) => {
            const last = await collector.flush();
            if (offsets.length > 0) await consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })));
            return last;
          },
        });
        await protocol.commit(dirty.map((t) => t.task));
      }
    } catch (error) {
      if (!bestEffort) throw error;
      this.options.logger.warn('commit failed during a rebalance; uncommitted records will be processed again', { err: error });
      return;
    }
    this.options.stats.commitTook(Date.now() - started);
  }

  /**
   * at_least_once: commits what a revoked task processed before it is closed. A failure is logged, not
   * thrown: the next owner then processes those records again, which at_least_once allows. Under
   * exactly_once the open transaction is aborted instead (TaskManager.closeTask).
   */
  async commitRevoked(running: RunningTask): Promise<void> {
    if (this.exactlyOnce || running.task.state !== 'RUNNING' || !running.task.hasUncommittedWork()) return;
    try {
      const collector = this.options.sharedCollector()!;
      await new CommitProtocol(collector, {
        commit: async (offsets) => {
          const last = await collector.flush();
          await this.options.consumer()!.commitOffsets([...offsets]);
          return last;
        },
      }).commit([running.task]);
    } catch (error) {
      this.options.logger.warn('could not commit a revoked task; its uncommitted records will be processed again', {
        task: running.key,
        error: String(error),
      });
    }
  }

  private async commitTransactional(running: RunningTask): Promise<void> {
    const producer = running.producer!;
    const protocol = new CommitProtocol(producer.collector, { commit: (offsets) => producer.commit(this.options.config.applicationId, offsets) });
    try {
      await protocol.commit([running.task]);
    } catch (error) {
      if (!isFencing(error)) throw error;
      // Another instance owns the task now and fenced this producer: its work is aborted and redone there.
      this.options.logger.warn('task migrated: producer fenced, closing it without committing', { task: running.key });
      await this.options.closeFenced(running);
    }
  }
}
