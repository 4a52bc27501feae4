import type { Admin, Kafka } from 'kafkajs';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { DEAD_LETTER_TOPIC_SUFFIX } from '../../common/constants.js';
import type { Logger } from '../../common/logger.js';
import type { SubTopology } from '../../topology/sub-topology.js';
import { physicalTopicName } from '../../topology/topic-ref.js';
import type { Topology } from '../../topology/topology.js';
import type { AppConfig } from '../app-config.js';
import type { TaskSnapshot } from '../app-snapshot.js';
import { DeadLetterLog } from '../dead-letter-log.js';
import type { RuntimeStats } from '../runtime-stats.js';
import { taskKey } from '../task-assignment.js';
import { changelogTopicName } from '../task/stream-task.js';
import { createTask, type TaskFactoryOptions } from '../task/task-factory.js';
import type { TaskObserver } from '../task/task-observer.js';
import { planTopics } from '../topic-plan.js';
import { restoreFromChangelogs, type RestoreRequest } from './changelog-restorer.js';
import { growTopics } from './ensure-topics.js';
import type { ProducerCollector } from './producer-collector.js';
import type { RunningTask } from './running-task.js';
import { TaskTransactionalProducer } from './task-producers.js';
import type { TopicMetadata } from './topic-metadata.js';

export interface TaskManagerOptions {
  readonly kafka: Kafka;
  readonly topology: Topology;
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly stats: RuntimeStats;
  /** The sub-topology reading each physical source topic: an assignment names topics, tasks are per sub-topology. */
  readonly subByTopic: ReadonlyMap<string, SubTopology>;
  /** Every topic of the topology, internal ones included. */
  readonly allTopics: () => string[];
  /** The clients below are created by `start`, after this manager. */
  readonly metadata: () => TopicMetadata | undefined;
  readonly admin: () => Admin | undefined;
  /** The at_least_once producer's collector; under exactly_once each task has its own. */
  readonly sharedCollector: () => ProducerCollector | undefined;
  /** Runs before a revoked task is closed, so what it processed is not processed again needlessly. */
  readonly commitBeforeRevoke: (running: RunningTask) => Promise<void>;
  /** Runs after internal topics grew (an input gained partitions), before any task writes to them. */
  readonly onTopicsGrown: (topics: readonly string[]) => Promise<void>;
  /** Read-only views of the instance's global stores (created by `start`), if the topology has any. */
  readonly globalStores?: () => ReadonlyMap<string, KeyValueStore<unknown, unknown>> | undefined;
}

/** Runs one step of a shutdown, recording a failure instead of stopping there (KafkaStreamsRuntime.shutdown). */
export type ShutdownStep = (what: string, step: () => Promise<void>) => Promise<void>;

/**
 * Owns the tasks this instance runs: applies an assignment (close the revoked tasks, open the new ones,
 * restore their stores, initialize their processors, find where each starts reading) and closes them
 * all at shutdown. A task is visible to the loop only once it is RUNNING.
 */
export class TaskManager {
  private readonly tasks = new Map<string, RunningTask>();
  /** The runtime's stats keep the history for operators; each dead letter is also logged (rate-limited). */
  private readonly observer: TaskObserver;

  constructor(private readonly options: TaskManagerOptions) {
    const deadLetterLog = new DeadLetterLog(options.logger);
    this.observer = {
      taskStateChanged: (taskId, from, to) => options.stats.taskStateChanged(taskId, from, to),
      deadLettered: (taskId, record) => {
        options.stats.deadLettered(taskId, record);
        deadLetterLog.record(record);
      },
    };
  }

  private get exactlyOnce(): boolean {
    return this.options.config.processingGuarantee === 'exactly_once';
  }

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
    for (const running of this.tasks.values()) if (running.task.wantsCommit()) return true;
    return false;
  }

  snapshot(): TaskSnapshot[] {
    return [...this.tasks.values()].map((t) => ({
      taskId: t.task.taskId,
      subTopology: t.sub.id,
      partition: t.task.partition,
      state: t.task.state,
      recordsProcessed: t.recordsProcessed,
      processors: t.task.processorMetrics(),
      thread: 'main',
      notes: t.task.processorNotes(),
    }));
  }

  /** Makes the running tasks those of `assignment` (topic → partitions); the app's state is the caller's. */
  async applyAssignment(assignment: Record<string, number[]>): Promise<void> {
    const desired = new Map<string, { sub: SubTopology; partition: number }>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.options.subByTopic.get(topic);
      if (sub === undefined) continue;
      for (const partition of partitions) desired.set(taskKey(sub.id, partition), { sub, partition });
    }
    for (const [key, running] of [...this.tasks]) {
      if (desired.has(key)) continue;
      await this.closeTask(running, true);
    }
    await this.options.metadata()!.refresh(this.options.allTopics().filter((t) => this.options.metadata()!.has(t)));
    await this.followInputGrowth();
    const created: RunningTask[] = [];
    try {
      for (const [key, { sub, partition }] of desired) {
        if (this.tasks.has(key)) continue;
        created.push(await this.openTask(key, sub, partition));
      }
      await this.restore(created);
      // Processors may read their stores in init: only after the stores caught up with their changelogs.
      for (const running of created) await running.task.initializeProcessors();
      await this.loadCommittedOffsets(created);
    } catch (error) {
      // Tasks that never ran still hold RocksDB handles and producer connections: release them, or the
      // process cannot exit after this failure.
      for (const running of created) await this.release(running);
      throw error;
    }
    for (const running of created) {
      running.task.transitionTo('RUNNING');
      this.tasks.set(running.key, running);
    }
  }

  /**
   * An input topic that gained partitions gives its sub-topology more tasks, whose changelog partitions
   * do not exist yet: grow the changelogs (as the plan at start would) before any new task restores.
   * Repartition topics keep their count: a record's partition there decides which task holds its key's
   * state, so growing one would move keys away from their state (Kafka Streams refuses it as well).
   */
  private async followInputGrowth(): Promise<void> {
    const metadata = this.options.metadata()!;
    const { topology, config } = this.options;
    const plan = planTopics(topology, config.applicationId, await metadata.existing(this.options.allTopics()));
    if (plan.grow.length === 0) return;
    this.options.logger.info('input partitions grew: growing changelogs', { grow: plan.grow.map((g) => `${g.topic} -> ${g.partitions}`) });
    await growTopics(this.options.admin()!, plan.grow);
    for (const { topic, partitions } of plan.grow) metadata.set(topic, partitions);
    await metadata.refresh(plan.grow.map((g) => g.topic));
    await this.options.onTopicsGrown(plan.grow.map((g) => g.topic));
  }

  /** Releases a task that never ran: aborts and closes its producer, closes its stores. */
  private async release(running: RunningTask): Promise<void> {
    try {
      await running.producer?.abort();
      await running.producer?.close();
    } catch (error) {
      this.options.logger.warn('closing the producer of a task that did not start failed', { task: running.key, error: String(error) });
    }
    try {
      await running.task.close();
    } catch (error) {
      this.options.logger.warn('closing a task that did not start failed', { task: running.key, error: String(error) });
    }
  }

  /** Removes a task and releases it; `commit`: it was revoked, so its work is committed first if it can be. */
  async closeTask(running: RunningTask, commit: boolean): Promise<void> {
    this.tasks.delete(running.key);
    for (const t of running.sub.sourceTopics) this.options.stats.dropLag(physicalTopicName(t, this.options.config.applicationId), running.task.partition);
    if (commit) await this.options.commitBeforeRevoke(running);
    if (running.producer !== undefined) {
      try {
        await running.producer.abort();
      } catch (error) {
        this.options.logger.warn('aborting the transaction of a closed task failed', { task: running.key, err: error });
      }
      await running.producer.close();
    }
    await running.task.close();
  }

  /** Closes every task, each as its own shutdown step. Not graceful: open transactions are aborted first. */
  async closeAll(graceful: boolean, attempt: ShutdownStep): Promise<void> {
    for (const running of [...this.tasks.values()]) {
      await attempt(`closing task ${running.key}`, async () => {
        if (running.producer !== undefined && !graceful) await running.producer.abort();
        this.tasks.delete(running.key);
        await running.producer?.close();
        await running.task.close();
      });
    }
  }

  private async openTask(key: string, sub: SubTopology, partition: number): Promise<RunningTask> {
    const { config } = this.options;
    const producer = this.exactlyOnce
      ? await TaskTransactionalProducer.open(this.options.kafka, `${config.applicationId}-${key}`, this.options.metadata()!, {
          batchRecords: config.producerBatchRecords,
          transactionTimeoutMs: config.transactionTimeoutMs,
        })
      : undefined;
    const globalStores = this.options.globalStores?.();
    const factory: TaskFactoryOptions = {
      applicationId: config.applicationId,
      topology: this.options.topology,
      stateDir: config.stateDir,
      defaultStoreKind: config.defaultStoreKind,
      collector: producer?.collector ?? this.options.sharedCollector()!,
      clock: Date.now,
      errorPolicies: config.errorPolicies,
      deadLetterTopic: `${config.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`,
      maxBufferedEntriesPerStore: config.maxBufferedEntriesPerStore,
      onChunkGroupAbandoned: (event) =>
        this.options.logger.warn('abandoned the pieces of a record whose writer was cut off; it writes the record again', { ...event }),
      observer: this.observer,
      ...(globalStores === undefined ? {} : { globalStores }),
    };
    const inputTopics = sub.sourceTopics.map((t) => physicalTopicName(t, config.applicationId));
    try {
      const metadata = this.options.metadata()!;
      const task = await createTask(factory, sub, partition, () => metadata.reading(inputTopics));
      task.transitionTo('RESTORING');
      return { key, sub, task, producer, expected: new Map(), recordsProcessed: 0, chain: Promise.resolve() };
    } catch (error) {
      await producer?.close();
      throw error;
    }
  }

  private async restore(created: readonly RunningTask[]): Promise<void> {
    const requests: RestoreRequest[] = [];
    for (const running of created) {
      for (const storeName of running.sub.stores) {
        if (!this.options.topology.stores.get(storeName)?.changelog) continue;
        requests.push({
          taskId: running.task.taskId,
          storeName,
          store: running.task.restoreTarget(storeName),
          topic: changelogTopicName(this.options.config.applicationId, storeName),
          partition: running.task.partition,
        });
      }
    }
    await restoreFromChangelogs(this.options.kafka, requests, {
      readCommitted: this.exactlyOnce,
      logger: this.options.logger,
      onProgress: (p) => this.options.stats.restore.set(`${p.taskId}/${p.store}`, p),
    });
    for (const running of created) running.task.finishRestore();
  }

  /** Where each new task starts: the group's committed offset, read after fencing (exactly_once). */
  private async loadCommittedOffsets(created: readonly RunningTask[]): Promise<void> {
    if (created.length === 0) return;
    const { applicationId } = this.options.config;
    const topics = [...new Set(created.flatMap((r) => r.sub.sourceTopics.map((t) => physicalTopicName(t, applicationId))))];
    const committed = await this.options.admin()!.fetchOffsets({ groupId: applicationId, topics });
    for (const running of created) {
      for (const t of running.sub.sourceTopics) {
        const topic = physicalTopicName(t, applicationId);
        const offset = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === running.task.partition)?.offset;
        running.expected.set(topic, offset === undefined || BigInt(offset) < 0n ? 0n : BigInt(offset));
      }
    }
  }
}
