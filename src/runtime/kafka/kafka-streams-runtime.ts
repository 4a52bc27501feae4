import { mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Admin, Batch, Consumer, Kafka, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC_SUFFIX } from '../../common/constants.js';
import { CdcStreamsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { SubTopology } from '../../topology/sub-topology.js';
import { physicalTopicName } from '../../topology/topic-ref.js';
import type { Topology } from '../../topology/topology.js';
import type { AppConfig } from '../app-config.js';
import { AppStateMachine } from '../app-state.js';
import type { AppSnapshot, StoreQueryResult } from '../app-snapshot.js';
import { RuntimeStats } from '../runtime-stats.js';
import { TaskScheduler } from '../task-scheduler.js';
import { taskKey } from '../task-assignment.js';
import { CommitProtocol } from '../task/commit-protocol.js';
import { partitionForKey } from '../task/murmur2-partitioner.js';
import { changelogTopicName, type StreamTask } from '../task/stream-task.js';
import { createTask, type TaskFactoryOptions } from '../task/task-factory.js';
import { planTopics } from '../topic-plan.js';
import { topologyTopics } from '../topology-topics.js';
import { restoreFromChangelogs, type RestoreRequest } from './changelog-restorer.js';
import { applyTopicPlan } from './ensure-topics.js';
import { createKafkaClient } from './kafka-client.js';
import { isFencing, toInputRecords } from './kafka-records.js';
import { ProducerCollector } from './producer-collector.js';
import { taskAssignor } from './task-assignor.js';
import { TaskTransactionalProducer } from './task-producers.js';
import { TopicMetadata } from './topic-metadata.js';

interface RunningTask {
  readonly key: string;
  readonly sub: SubTopology;
  readonly task: StreamTask;
  readonly producer: TaskTransactionalProducer | undefined;
  /** Next offset to process per input topic: records below it (a stale fetch) are skipped. */
  readonly expected: Map<string, bigint>;
  recordsProcessed: number;
  /** Batches of one task run one after another even when two of its topics deliver at once. */
  chain: Promise<void>;
}

const SOURCE_METADATA_REFRESH_MS = 1000;

export class ApplicationFailedError extends CdcStreamsError {
  constructor(message: string, cause: unknown) {
    super(message, { code: 'APPLICATION_FAILED', cause });
  }
}

/**
 * Runs a topology against Kafka (DESIGN.md 3.5-3.7): one consumer in the application's group with a
 * task-aware assignor, the shared task engine per assigned task, and commits every commit interval —
 * at_least_once: flush the producer, then commit offsets; exactly_once: one transaction per task with
 * its outputs, changelog records and input offsets. Batches, punctuation, commits and rebalances run
 * through a TaskScheduler: batches of different tasks side by side, the rest alone.
 */
export class KafkaStreamsRuntime {
  readonly instanceId = randomUUID();
  readonly lifecycle = new AppStateMachine();
  readonly stats = new RuntimeStats();
  private readonly kafka: Kafka;
  private readonly scheduler = new TaskScheduler();
  private tickQueued = false;
  private readonly tasks = new Map<string, RunningTask>();
  private readonly subByTopic = new Map<string, SubTopology>();
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private sharedCollector: ProducerCollector | undefined;
  private metadata: TopicMetadata | undefined;
  private taskCounts = new Map<number, number>();
  private ticker: NodeJS.Timeout | undefined;
  private lastCommitAt = Date.now();
  private lastMetadataRefresh = Date.now();
  private ready = false;
  private readonly startedAt = Date.now();
  private failure: ApplicationFailedError | undefined;
  private stopping: Promise<void> | undefined;
  private readonly stoppedPromise: Promise<void>;
  private resolveStopped!: () => void;
  private rejectStopped!: (error: Error) => void;

  constructor(
    private readonly topology: Topology,
    private readonly config: AppConfig,
    private readonly logger: Logger,
    private readonly endpoint: () => string | undefined,
  ) {
    this.kafka = createKafkaClient(config.kafka, logger);
    for (const sub of topology.subTopologies) {
      for (const topic of sub.sourceTopics) this.subByTopic.set(physicalTopicName(topic, config.applicationId), sub);
    }
    this.stoppedPromise = new Promise((resolve, reject) => {
      this.resolveStopped = resolve;
      this.rejectStopped = reject;
    });
    // A failure is reported through `stopped`; keep Node from calling an unobserved rejection fatal twice.
    this.stoppedPromise.catch(() => undefined);
  }

  private get exactlyOnce(): boolean {
    return this.config.processingGuarantee === 'exactly_once';
  }

  /** Resolves when the application has stopped after `close()`; rejects with the error that stopped it. */
  get stopped(): Promise<void> {
    return this.stoppedPromise;
  }

  async start(): Promise<void> {
    this.lifecycle.transitionTo('STARTING');
    await mkdir(this.config.stateDir, { recursive: true });
    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    const metadata = new TopicMetadata(admin);
    this.metadata = metadata;
    const wanted = this.allTopics();
    const plan = planTopics(this.topology, this.config.applicationId, await metadata.existing(wanted));
    await applyTopicPlan(admin, plan, this.config.replicationFactor);
    for (const [topic, count] of plan.partitions) metadata.set(topic, count);
    await metadata.refresh([...plan.partitions.keys()]);
    this.taskCounts = new Map(plan.taskCounts);

    if (!this.exactlyOnce) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      this.producer = producer;
      await producer.connect();
      this.sharedCollector = new ProducerCollector(
        (batch) => producer.sendBatch({ topicMessages: batch, acks: -1 }),
        metadata,
        this.config.producerBatchRecords,
      );
    }

    const consumer = this.kafka.consumer({
      groupId: this.config.applicationId,
      partitionAssigners: [
        taskAssignor({
          topology: this.topology,
          applicationId: this.config.applicationId,
          endpoint: this.endpoint,
          currentTasks: () => [...this.tasks.keys()],
        }),
      ],
      sessionTimeout: this.config.sessionTimeoutMs,
      maxBytes: this.config.fetchMaxBytes,
      maxBytesPerPartition: this.config.fetchMaxBytesPerPartition,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      // kafkajs' default (5 minutes) would leave new input partitions unread that long.
      metadataMaxAge: 10_000,
      // A fetch long-polls this long when there is no data; shutdown waits for it (default 5 s).
      maxWaitTimeInMs: 1000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment;
      this.scheduler.exclusive(() => this.onAssignment(assignment)).catch((error: unknown) => this.fail('handling a new assignment failed', error));
    });
    consumer.on(consumer.events.REBALANCING, () => {
      if (this.lifecycle.state === 'RUNNING') this.lifecycle.transitionTo('REBALANCING');
      this.scheduler.exclusive(() => this.commitAll(true)).catch((error: unknown) => this.fail('committing before a rebalance failed', error));
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.fail('the consumer crashed', event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.sourceTopics(), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Batches of different tasks run concurrently (see TaskScheduler); one partition's are in order.
      partitionsConsumedConcurrently: this.config.taskConcurrency,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale }) => {
        // Once closing, nothing new is processed: the final commit must cover everything processed.
        if (this.failure !== undefined || this.stopping !== undefined || isStale()) return;
        try {
          await this.scheduler.shared(() => this.processBatch(batch));
          if (this.commitDue() && this.stopping === undefined) {
            await this.scheduler.exclusive(() => (this.commitDue() ? this.commitAll(false) : Promise.resolve()));
          }
        } catch (error) {
          this.fail(`processing ${batch.topic}/${batch.partition} failed`, error);
          return;
        }
        // Resolving advances kafkajs' fetch position only; committing is ours (kafkajs#1665: never leave
        // a processed batch unresolved, or it is fetched again forever).
        if (batch.messages.length > 0) resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
    this.ticker = setInterval(() => {
      if (this.tickQueued || this.failure !== undefined || this.stopping !== undefined) return;
      this.tickQueued = true;
      this.scheduler
        .exclusive(() => this.tick())
        .catch((error: unknown) => this.fail('punctuation or commit failed', error))
        .finally(() => {
          this.tickQueued = false;
        });
    }, this.config.punctuationIntervalMs);
    this.logger.info('application started', {
      applicationId: this.config.applicationId,
      guarantee: this.config.processingGuarantee,
      instanceId: this.instanceId,
    });
  }

  /** Finishes in-flight work, commits, closes stores, leaves the group. Safe to call more than once. */
  close(): Promise<void> {
    this.stopping ??= this.shutdown(true);
    return this.stopping;
  }

  snapshot(): AppSnapshot {
    const recordsOut: Record<string, number> = {};
    const collectors = this.sharedCollector !== undefined ? [this.sharedCollector] : [...this.tasks.values()].flatMap((t) => (t.producer ? [t.producer.collector] : []));
    for (const c of collectors) for (const [topic, n] of c.sentPerTopic) recordsOut[topic] = (recordsOut[topic] ?? 0) + n;
    const deadLetterTopic = `${this.config.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`;
    return {
      applicationId: this.config.applicationId,
      instanceId: this.instanceId,
      state: this.lifecycle.state,
      ready: this.ready && this.lifecycle.state === 'RUNNING',
      tasks: [...this.tasks.values()].map((t) => ({
        taskId: t.task.taskId,
        subTopology: t.sub.id,
        partition: t.task.partition,
        state: t.task.state,
        recordsProcessed: t.recordsProcessed,
        processors: t.task.processorMetrics(),
      })),
      recordsIn: Object.fromEntries(this.stats.recordsIn),
      recordsOut,
      deadLetters: recordsOut[deadLetterTopic] ?? 0,
      commits: { count: this.stats.commitCount, totalMs: this.stats.commitTotalMs, lastMs: this.stats.commitLastMs, maxMs: this.stats.commitMaxMs },
      lag: [...this.stats.lag.values()],
      restore: [...this.stats.restore.values()],
      startedAt: this.startedAt,
    };
  }

  async queryStore(store: string, key: string): Promise<StoreQueryResult> {
    const sub = this.topology.subTopologies.find((s) => s.stores.includes(store));
    const definition = this.topology.stores.get(store);
    if (sub === undefined || definition === undefined) throw new CdcStreamsError(`no store named '${store}'`, { code: 'UNKNOWN_STORE' });
    const keyBytes = definition.keySerde.serialize(key, { topic: store });
    const partition = partitionForKey(keyBytes, this.taskCounts.get(sub.id) ?? 1);
    const running = this.tasks.get(taskKey(sub.id, partition));
    if (running === undefined) return { kind: 'remote', partition, owner: undefined };
    const value = await this.scheduler.shared(() => running.task.store(store)!.get(key));
    return value === undefined ? { kind: 'not-found', partition } : { kind: 'found', value, partition };
  }

  // ---- the loop ----

  private async processBatch(batch: Batch): Promise<void> {
    const sub = this.subByTopic.get(batch.topic);
    const running = sub === undefined ? undefined : this.tasks.get(taskKey(sub.id, batch.partition));
    if (running === undefined) return;
    const work = running.chain.then(() => this.processTaskBatch(running, batch));
    running.chain = work.catch(() => undefined);
    await work;
  }

  private async processTaskBatch(running: RunningTask, batch: Batch): Promise<void> {
    const records = toInputRecords(batch, running.expected.get(batch.topic) ?? 0n);
    if (records.length === 0) return;
    await running.task.process(records);
    (running.producer?.collector ?? this.sharedCollector!).sendBuffered();
    const next = BigInt(records[records.length - 1]!.offset) + 1n;
    running.expected.set(batch.topic, next);
    running.recordsProcessed += records.length;
    this.stats.countIn(batch.topic, records.length);
    this.stats.setLag(batch.topic, batch.partition, Number(BigInt(batch.highWatermark) - next));
  }

  private commitDue(): boolean {
    return Date.now() - this.lastCommitAt >= this.config.commitIntervalMs || this.anyTaskWantsCommit();
  }

  private async tick(): Promise<void> {
    for (const running of this.tasks.values()) await running.task.punctuateWallClock();
    // A CDC input may gain partitions: the sooner tasks see the new count, the sooner watermark progress
    // waits for the new partitions (docs/cdc.md, "partition growth").
    if (Date.now() - this.lastMetadataRefresh >= SOURCE_METADATA_REFRESH_MS && this.metadata !== undefined) {
      this.lastMetadataRefresh = Date.now();
      await this.metadata.refresh(this.sourceTopics());
    }
    if (this.commitDue()) await this.commitAll(false);
  }

  private anyTaskWantsCommit(): boolean {
    for (const running of this.tasks.values()) if (running.task.wantsCommit()) return true;
    return false;
  }

  /** Commits every task with uncommitted work. `bestEffort`: a failure (e.g. mid-rebalance) is logged, not fatal. */
  private async commitAll(bestEffort: boolean): Promise<void> {
    this.lastCommitAt = Date.now();
    const dirty = [...this.tasks.values()].filter((t) => t.task.state === 'RUNNING' && t.task.hasUncommittedWork());
    if (dirty.length === 0) return;
    const started = Date.now();
    try {
      if (this.exactlyOnce) {
        for (const running of dirty) await this.commitTransactional(running);
      } else {
        const collector = this.sharedCollector!;
        const consumer = this.consumer!;
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
      this.logger.warn('commit failed during a rebalance; uncommitted records will be processed again', { error: String(error) });
      return;
    }
    this.stats.commitTook(Date.now() - started);
  }

  private async commitTransactional(running: RunningTask): Promise<void> {
    const producer = running.producer!;
    const protocol = new CommitProtocol(producer.collector, { commit: (offsets) => producer.commit(this.config.applicationId, offsets) });
    try {
      await protocol.commit([running.task]);
    } catch (error) {
      if (!isFencing(error)) throw error;
      // Another instance owns the task now and fenced this producer: its work is aborted and redone there.
      this.logger.warn('task migrated: producer fenced, closing it without committing', { task: running.key });
      await this.closeTask(running, false);
    }
  }

  // ---- assignment, restore ----

  private async onAssignment(assignment: Record<string, number[]>): Promise<void> {
    if (this.lifecycle.state === 'RUNNING') this.lifecycle.transitionTo('REBALANCING');
    this.ready = false;
    const desired = new Map<string, { sub: SubTopology; partition: number }>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.subByTopic.get(topic);
      if (sub === undefined) continue;
      for (const partition of partitions) desired.set(taskKey(sub.id, partition), { sub, partition });
    }
    for (const [key, running] of [...this.tasks]) {
      if (desired.has(key)) continue;
      await this.closeTask(running, true);
    }
    await this.metadata!.refresh(this.allTopics().filter((t) => this.metadata!.has(t)));
    const created: RunningTask[] = [];
    for (const [key, { sub, partition }] of desired) {
      if (this.tasks.has(key)) continue;
      created.push(await this.openTask(key, sub, partition));
    }
    await this.restore(created);
    // Processors may read their stores in init: only after the stores caught up with their changelogs.
    for (const running of created) await running.task.initializeProcessors();
    await this.loadCommittedOffsets(created);
    for (const running of created) {
      running.task.transitionTo('RUNNING');
      this.tasks.set(running.key, running);
    }
    this.ready = true;
    this.lifecycle.transitionTo('RUNNING');
    this.logger.info('assignment applied', { tasks: [...this.tasks.keys()].sort() });
  }

  private async openTask(key: string, sub: SubTopology, partition: number): Promise<RunningTask> {
    const producer = this.exactlyOnce
      ? await TaskTransactionalProducer.open(this.kafka, `${this.config.applicationId}-${key}`, this.metadata!, {
          batchRecords: this.config.producerBatchRecords,
          transactionTimeoutMs: this.config.transactionTimeoutMs,
        })
      : undefined;
    const factory: TaskFactoryOptions = {
      applicationId: this.config.applicationId,
      topology: this.topology,
      stateDir: this.config.stateDir,
      defaultStoreKind: this.config.defaultStoreKind,
      collector: producer?.collector ?? this.sharedCollector!,
      clock: Date.now,
      errorPolicies: this.config.errorPolicies,
      deadLetterTopic: `${this.config.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`,
      maxBufferedEntriesPerStore: this.config.maxBufferedEntriesPerStore,
    };
    const inputTopics = sub.sourceTopics.map((t) => physicalTopicName(t, this.config.applicationId));
    try {
      const task = await createTask(factory, sub, partition, () => Math.max(...inputTopics.map((t) => this.metadata!.partitionCount(t))));
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
        if (!this.topology.stores.get(storeName)?.changelog) continue;
        requests.push({
          taskId: running.task.taskId,
          storeName,
          store: running.task.managedStore(storeName)!,
          topic: changelogTopicName(this.config.applicationId, storeName),
          partition: running.task.partition,
        });
      }
    }
    await restoreFromChangelogs(this.kafka, requests, {
      readCommitted: this.exactlyOnce,
      logger: this.logger,
      onProgress: (p) => this.stats.restore.set(`${p.taskId}/${p.store}`, p),
    });
  }

  /** Where each new task starts: the group's committed offset, read after fencing (exactly_once). */
  private async loadCommittedOffsets(created: readonly RunningTask[]): Promise<void> {
    if (created.length === 0) return;
    const topics = [...new Set(created.flatMap((r) => r.sub.sourceTopics.map((t) => physicalTopicName(t, this.config.applicationId))))];
    const committed = await this.admin!.fetchOffsets({ groupId: this.config.applicationId, topics });
    for (const running of created) {
      for (const t of running.sub.sourceTopics) {
        const topic = physicalTopicName(t, this.config.applicationId);
        const offset = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === running.task.partition)?.offset;
        running.expected.set(topic, offset === undefined || BigInt(offset) < 0n ? 0n : BigInt(offset));
      }
    }
  }

  private async closeTask(running: RunningTask, commit: boolean): Promise<void> {
    this.tasks.delete(running.key);
    for (const t of running.sub.sourceTopics) this.stats.dropLag(physicalTopicName(t, this.config.applicationId), running.task.partition);
    if (commit && !this.exactlyOnce && running.task.state === 'RUNNING' && running.task.hasUncommittedWork()) {
      try {
        const collector = this.sharedCollector!;
        await new CommitProtocol(collector, {
          commit: async (offsets) => {
            const last = await collector.flush();
            await this.consumer!.commitOffsets([...offsets]);
            return last;
          },
        }).commit([running.task]);
      } catch (error) {
        this.logger.warn('could not commit a revoked task; its uncommitted records will be processed again', {
          task: running.key,
          error: String(error),
        });
      }
    }
    if (running.producer !== undefined) {
      try {
        await running.producer.abort();
      } catch (error) {
        this.logger.warn('aborting the transaction of a closed task failed', { task: running.key, error: String(error) });
      }
      await running.producer.close();
    }
    await running.task.close();
  }

  // ---- stop ----

  fail(message: string, error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = new ApplicationFailedError(`${message}: ${error instanceof Error ? error.message : String(error)}`, error);
    this.logger.error(this.failure.message, { error: error instanceof Error ? error.stack : String(error) });
    this.lifecycle.tryTransitionTo('ERROR');
    this.stopping ??= this.shutdown(false);
  }

  private async shutdown(graceful: boolean): Promise<void> {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    if (graceful) this.lifecycle.tryTransitionTo('PENDING_SHUTDOWN');
    const errors: unknown[] = [];
    const attempt = async (what: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        errors.push(error);
        this.logger.error(`${what} failed during shutdown`, { error: String(error) });
      }
    };
    // Commit before stopping the consumer: kafkajs' commitOffsets (at_least_once) needs a running consumer.
    // Queued behind the batch in flight; batches fetched after close() began are not processed.
    if (graceful && this.failure === undefined) await attempt('the final commit', () => this.scheduler.exclusive(() => this.commitAll(false)));
    await attempt('stopping the consumer', async () => this.consumer?.stop());
    await this.scheduler.idle();
    for (const running of [...this.tasks.values()]) {
      await attempt(`closing task ${running.key}`, async () => {
        if (running.producer !== undefined && !graceful) await running.producer.abort();
        this.tasks.delete(running.key);
        await running.producer?.close();
        await running.task.close();
      });
    }
    await attempt('leaving the group', async () => this.consumer?.disconnect());
    await attempt('closing the producer', async () => this.producer?.disconnect());
    await attempt('closing the admin client', async () => this.admin?.disconnect());
    this.lifecycle.tryTransitionTo('NOT_RUNNING');
    if (this.failure !== undefined) this.rejectStopped(this.failure);
    else if (errors.length > 0) this.rejectStopped(new ApplicationFailedError('shutdown failed', errors[0]));
    else this.resolveStopped();
    this.logger.info('application stopped', { applicationId: this.config.applicationId });
  }

  // ---- topics ----

  private sourceTopics(): string[] {
    return [...this.subByTopic.keys()];
  }

  private allTopics(): string[] {
    return [...topologyTopics(this.topology, this.config.applicationId).all];
  }
}
