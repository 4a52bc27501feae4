import type { Admin } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import type { SubTopology } from '../../topology/sub-topology.js';
import { physicalTopicName } from '../../topology/topic-ref.js';
import type { Topology } from '../../topology/topology.js';
import type { AppConfig } from '../app-config.js';
import type { TaskSnapshot } from '../app-snapshot.js';
import type { RuntimeStats } from '../runtime-stats.js';
import { taskKey } from '../task-assignment.js';
import { startTasks, type ChangelogReader, type TaskSpec } from '../task/task-host.js';
import type { TaskPort, TaskPortFactory } from '../task/task-port.js';
import { planTopics } from '../topic-plan.js';
import { growTopics } from './ensure-topics.js';
import type { ProcessingGuarantee, TaskChannel } from './processing-guarantee.js';
import type { RunningTask } from './running-task.js';
import type { TaskCommitter } from './task-committer.js';
import type { TopicMetadata } from './topic-metadata.js';

export interface TaskManagerOptions {
  readonly topology: Topology;
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly stats: RuntimeStats;
  /** The sub-topology reading each physical source topic: an assignment names topics, tasks are per sub-topology. */
  readonly subByTopic: ReadonlyMap<string, SubTopology>;
  /** Every topic of the topology, internal ones included. */
  readonly allTopics: readonly string[];
  readonly admin: Admin;
  readonly metadata: TopicMetadata;
  readonly guarantee: ProcessingGuarantee;
  readonly committer: TaskCommitter;
  readonly ports: TaskPortFactory;
  readonly changelogs: ChangelogReader;
}

/** Runs one step of a shutdown, recording a failure instead of stopping there (KafkaStreamsRuntime.shutdown). */
export type ShutdownStep = (what: string, step: () => Promise<void>) => Promise<void>;

/**
 * Owns the tasks this instance runs: applies an assignment (commit and close the revoked tasks; open
 * the new ones, each with its channel, restore and start them through the task host, find where each
 * starts reading) and closes them all at shutdown. A task is visible to the loop only once it runs.
 */
export class TaskManager {
  private readonly tasks = new Map<string, RunningTask>();

  constructor(private readonly options: TaskManagerOptions) {}

  get(key: string): RunningTask | undefined {
    return this.tasks.get(key);
  }

  values(): IterableIterator<RunningTask> {
    return this.tasks.values();
  }

  keys(): IterableIterator<string> {
    return this.tasks.keys();
  }

  anyWantsCommit(): boolean {
    for (const running of this.tasks.values()) if (running.wantsCommit) return true;
    return false;
  }

  snapshot(): TaskSnapshot[] {
    return [...this.tasks.values()].map((t) => {
      const snapshot = t.port.snapshot();
      return {
        taskId: t.port.taskId,
        subTopology: t.sub.id,
        partition: t.port.partition,
        state: snapshot.state,
        recordsProcessed: t.recordsProcessed,
        processors: snapshot.processors,
        thread: t.port.thread,
        notes: snapshot.notes,
      };
    });
  }

  /** Makes the running tasks those of `assignment` (topic → partitions); the app's state is the caller's. */
  async applyAssignment(assignment: Record<string, number[]>): Promise<void> {
    const desired = new Map<string, TaskSpec>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.options.subByTopic.get(topic);
      if (sub === undefined) continue;
      for (const partition of partitions) desired.set(taskKey(sub.id, partition), { subTopology: sub, partition });
    }
    const revoked = [...this.tasks.values()].filter((t) => !desired.has(t.key));
    // What a revoked task processed is committed if it can be, so the next owner need not redo it.
    await this.options.committer.commit(revoked, true);
    for (const running of revoked) await this.closeTask(running);

    const { metadata } = this.options;
    await metadata.refresh(this.options.allTopics.filter((t) => metadata.has(t)));
    await this.followInputGrowth();
    const specs = [...desired].filter(([key]) => !this.tasks.has(key)).map(([, spec]) => spec);
    const opened = new Map<TaskPort, { readonly spec: TaskSpec; readonly channel: TaskChannel }>();
    let ports: TaskPort[];
    try {
      ports = await startTasks(
        specs,
        async (spec) => {
          // exactly_once: the channel's producer fences the previous owner before the task restores.
          const channel = await this.options.guarantee.openChannel(taskKey(spec.subTopology.id, spec.partition));
          try {
            const port = await this.options.ports.open(spec);
            opened.set(port, { spec, channel });
            return port;
          } catch (error) {
            await this.options.guarantee.closeChannel(channel);
            throw error;
          }
        },
        this.options.changelogs,
        this.options.topology,
        this.options.config.applicationId,
      );
    } catch (error) {
      // The host closed the tasks it opened; their producers must go too, or the process cannot exit.
      for (const { channel } of opened.values()) await this.options.guarantee.closeChannel(channel).catch((e: unknown) => this.options.logger.warn('closing the producer of a task that did not start failed', { task: channel.taskId, err: e }));
      throw error;
    }
    const started = [...opened].filter(([port]) => ports.includes(port)).map(([port, { spec, channel }]): RunningTask => ({
      key: port.taskId,
      sub: spec.subTopology,
      port,
      channel,
      expected: new Map(),
      committed: new Map(),
      recordsProcessed: 0,
      dirty: false,
      wantsCommit: false,
      chain: Promise.resolve(),
    }));
    try {
      await this.loadCommittedOffsets(started);
    } catch (error) {
      for (const running of started) await this.release(running);
      throw error;
    }
    for (const running of started) this.tasks.set(running.key, running);
  }

  /** Removes a task and releases it, without committing (the caller committed it, or it was fenced). */
  async closeTask(running: RunningTask): Promise<void> {
    this.tasks.delete(running.key);
    for (const t of running.sub.sourceTopics) this.options.stats.dropLag(physicalTopicName(t, this.options.config.applicationId), running.port.partition);
    await this.release(running);
  }

  /** Closes every task, each as its own shutdown step. Not graceful: open transactions are aborted first. */
  async closeAll(graceful: boolean, attempt: ShutdownStep): Promise<void> {
    for (const running of [...this.tasks.values()]) {
      this.tasks.delete(running.key);
      // Step by step: with the broker gone the abort fails, and the stores must close all the same (a
      // runtime that replaces this one in the same process opens them again).
      if (!graceful) await attempt(`aborting task ${running.key}'s transaction`, () => this.options.guarantee.abort(running.channel));
      await attempt(`closing task ${running.key}'s producer`, () => this.options.guarantee.closeChannel(running.channel));
      await attempt(`closing task ${running.key}`, () => running.port.close());
    }
  }

  /** Stops what runs the tasks (worker threads); after closeAll. */
  closePorts(): Promise<void> {
    return this.options.ports.close();
  }

  /**
   * An input topic that gained partitions gives its sub-topology more tasks, whose changelog partitions
   * do not exist yet: grow the changelogs (as the plan at start would) before any new task restores.
   * Repartition topics keep their count: a record's partition there decides which task holds its key's
   * state, so growing one would move keys away from their state (Kafka Streams refuses it as well).
   */
  private async followInputGrowth(): Promise<void> {
    const { metadata, topology, config } = this.options;
    const plan = planTopics(topology, config.applicationId, await metadata.existing(this.options.allTopics));
    if (plan.grow.length === 0) return;
    this.options.logger.info('input partitions grew: growing changelogs', { grow: plan.grow.map((g) => `${g.topic} -> ${g.partitions}`) });
    await growTopics(this.options.admin, plan.grow);
    for (const { topic, partitions } of plan.grow) metadata.set(topic, partitions);
    await metadata.refresh(plan.grow.map((g) => g.topic));
    await this.options.guarantee.topicsGrew();
  }

  /** Aborts what the task sent since its last commit, closes its producer and the task. */
  private async release(running: RunningTask): Promise<void> {
    try {
      await this.options.guarantee.abort(running.channel);
      await this.options.guarantee.closeChannel(running.channel);
    } catch (error) {
      this.options.logger.warn('closing the producer of a task failed', { task: running.key, error });
    }
    await running.port.close();
  }

  /** Where each new task starts: the group's committed offset, read after fencing (exactly_once). */
  private async loadCommittedOffsets(started: readonly RunningTask[]): Promise<void> {
    if (started.length === 0) return;
    const { applicationId } = this.options.config;
    const topics = [...new Set(started.flatMap((r) => r.sub.sourceTopics.map((t) => physicalTopicName(t, applicationId))))];
    const committed = await this.options.admin.fetchOffsets({ groupId: applicationId, topics });
    for (const running of started) {
      for (const t of running.sub.sourceTopics) {
        const topic = physicalTopicName(t, applicationId);
        const offset = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === running.port.partition)?.offset;
        const next = offset === undefined || BigInt(offset) < 0n ? undefined : BigInt(offset);
        running.expected.set(topic, next ?? 0n);
        if (next !== undefined) running.committed.set(topic, next);
      }
    }
  }
}
