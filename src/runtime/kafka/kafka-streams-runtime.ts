import { mkdir, readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Admin, Batch, Consumer, Kafka } from 'kafkajs';
import { DEAD_LETTER_TOPIC_SUFFIX } from '../../common/constants.js';
import { CdcStreamsError, ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { SubTopology } from '../../topology/sub-topology.js';
import { physicalTopicName } from '../../topology/topic-ref.js';
import type { Topology } from '../../topology/topology.js';
import type { AppConfig } from '../app-config.js';
import { AppStateMachine } from '../app-state.js';
import type { AppSnapshot, StoreQueryResult, StoreSize } from '../app-snapshot.js';
import { DeadLetterLog } from '../dead-letter-log.js';
import { GlobalStores } from '../global-stores.js';
import { InputIdleMonitor } from '../input-idle-monitor.js';
import { RuntimeStats } from '../runtime-stats.js';
import { storeKeyFromText, storeKeyPartition } from '../store-query-key.js';
import { remoteOwner, storeOwnersReport, type StoreOwnersReport } from '../store-owners.js';
import type { TaskObserver } from '../task/task-observer.js';
import { TaskScheduler } from '../task-scheduler.js';
import { taskKey } from '../task-assignment.js';
import { planTopics } from '../topic-plan.js';
import { topologyTopics } from '../topology-topics.js';
import { LocalTaskPorts, type LocalTaskOptions } from '../task/local-task-port.js';
import type { TaskSpec } from '../task/task-host.js';
import type { TaskPortFactory, TaskStep } from '../task/task-port.js';
import { WorkerPool } from '../threads/worker-pool.js';
import type { WorkerTopologySource } from '../threads/worker-protocol.js';
import { AtLeastOnceGuarantee } from './at-least-once-guarantee.js';
import { KafkaChangelogReader } from './changelog-restorer.js';
import { warnAboutDeletedInput } from './deleted-input-check.js';
import { applyTopicPlan } from './ensure-topics.js';
import { GlobalStoreReader } from './global-store-reader.js';
import { withGroupKeepAlive } from './group-keep-alive.js';
import { ExactlyOnceGuarantee } from './exactly-once-guarantee.js';
import { createKafkaClient } from './kafka-client.js';
import { isFencing, toInputRecords } from './kafka-records.js';
import type { ProcessingGuarantee } from './processing-guarantee.js';
import { connectExplained } from './kafka-connect-errors.js';
import type { RunningTask } from './running-task.js';
import { readOwnAssignmentInfo } from './own-assignment.js';
import { StandbyTasks } from './standby-tasks.js';
import { taskAssignor } from './task-assignor.js';
import { RepartitionPurger } from './repartition-purger.js';
import { SourceMetadataRefresher } from './source-metadata-refresher.js';
import { TaskCommitter } from './task-committer.js';
import { TaskManager } from './task-manager.js';
import { TaskOwnersReader } from './task-owners-reader.js';
import { TopicMetadata } from './topic-metadata.js';

/** Everything that exists once the application has started: made together, so nothing is half-wired. */
interface Started {
  readonly admin: Admin;
  readonly metadata: TopicMetadata;
  readonly consumer: Consumer;
  readonly guarantee: ProcessingGuarantee;
  readonly taskManager: TaskManager;
  readonly committer: TaskCommitter;
  /** Who owns which task, read after every join (interactive queries). */
  readonly owners: TaskOwnersReader;
  readonly standbys: StandbyTasks;
  readonly purger: RepartitionPurger;
}


export class ApplicationFailedError extends CdcStreamsError {
  constructor(message: string, cause: unknown) {
    super(message, { code: 'APPLICATION_FAILED', cause });
  }
}

/**
 * Runs a topology against Kafka (docs/design.md 3.5-3.7): one consumer in the application's group with a
 * task-aware assignor, the shared task engine per assigned task, and commits every commit interval —
 * at_least_once: flush the producer, then commit offsets; exactly_once: one transaction per task with
 * its outputs, changelog records and input offsets. Batches, punctuation, commits and rebalances run
 * through a TaskScheduler: batches of different tasks side by side, the rest alone. The tasks are the
 * TaskManager's, the commits the TaskCommitter's; this class runs the loop and the app's lifecycle.
 */
export class KafkaStreamsRuntime {
  readonly instanceId = randomUUID();
  readonly lifecycle = new AppStateMachine();
  readonly stats = new RuntimeStats();
  private readonly kafka: Kafka;
  private readonly scheduler = new TaskScheduler();
  private tickQueued = false;
  private readonly subByTopic = new Map<string, SubTopology>();
  private started: Started | undefined;
  private readonly idleInput: InputIdleMonitor;
  /** Task-state transitions and dead letters: kept for operators (stats), each dead letter also logged. */
  private readonly observer: TaskObserver;
  private globalStores: GlobalStores | undefined;
  private globalReader: GlobalStoreReader | undefined;
  /** The guarantee while `prepare` wires the rest, so a failed start can close its producer. */
  private pendingGuarantee: ProcessingGuarantee | undefined;
  private taskCounts = new Map<number, number>();
  private ticker: NodeJS.Timeout | undefined;
  private lastCommitAt = Date.now();
  private metadataRefresher: SourceMetadataRefresher | undefined;
  /** The topology's input topics: a batch of one may carry CDC progress that waits for a partition count read. */
  private readonly inputTopics: ReadonlySet<string>;
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
    private readonly workerTopology: WorkerTopologySource | undefined,
  ) {
    this.kafka = createKafkaClient(config.kafka, logger);
    this.inputTopics = new Set(topologyTopics(topology, config.applicationId).inputs);
    this.idleInput = new InputIdleMonitor(logger, config.inputIdleWarningMs, [...this.inputTopics]);
    const deadLetterLog = new DeadLetterLog(logger);
    this.observer = {
      taskStateChanged: (taskId, from, to) => this.stats.taskStateChanged(taskId, from, to),
      deadLettered: (taskId, record) => {
        this.stats.deadLettered(taskId, record);
        deadLetterLog.record(record);
      },
    };
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

  /** Resolves when the application has stopped after `close()`; rejects with the error that stopped it. */
  get stopped(): Promise<void> {
    return this.stoppedPromise;
  }

  async start(): Promise<void> {
    this.lifecycle.transitionTo('STARTING');
    await mkdir(this.config.stateDir, { recursive: true });
    const admin = this.kafka.admin();
    await connectExplained(admin, this.config.kafka);
    try {
      await this.prepare(admin);
    } catch (error) {
      // Once started, shutdown closes everything; before that, nothing may stay connected either, or
      // the process cannot exit.
      if (this.started === undefined) {
        await this.pendingGuarantee?.close().catch((e: unknown) => this.logger.warn('closing the producer after a failed start failed', { err: e }));
        await admin.disconnect().catch((e: unknown) => this.logger.warn('closing the admin client after a failed start failed', { err: e }));
      }
      throw error;
    }
  }

  /** Plans the topics, chooses the guarantee, wires the task manager and joins the group. */
  private async prepare(admin: Admin): Promise<void> {
    const metadata = new TopicMetadata(admin);
    const allTopics = this.allTopics();
    const plan = planTopics(this.topology, this.config.applicationId, await metadata.existing(allTopics));
    await applyTopicPlan(admin, plan, this.config.replicationFactor);
    for (const [topic, count] of plan.partitions) metadata.set(topic, count);
    await metadata.refresh([...plan.partitions.keys()]);
    await metadata.refreshLimits([...plan.partitions.keys()]);
    this.taskCounts = new Map(plan.taskCounts);
    if (this.topology.globalStores.size > 0) await this.startGlobalStores(admin);

    const consumer = this.kafka.consumer({
      groupId: this.config.applicationId,
      partitionAssigners: [
        taskAssignor({
          topology: this.topology,
          applicationId: this.config.applicationId,
          endpoint: this.endpoint,
          currentTasks: () => [...(this.started?.taskManager.keys() ?? [])],
          numStandbyReplicas: this.config.numStandbyReplicas,
          taskOffsets: () => (this.started === undefined ? {} : this.started.standbys.offsets(new Set(this.started.taskManager.keys()))),
        }),
      ],
      sessionTimeout: this.config.sessionTimeoutMs,
      // A tenth of the session (at most kafkajs' 3 s): members learn of a rebalance that soon, so a
      // restarted instance waits less for the others to rejoin (docs/reliability.md).
      heartbeatInterval: Math.min(3000, Math.max(500, Math.floor(this.config.sessionTimeoutMs / 10))),
      maxBytes: this.config.fetchMaxBytes,
      maxBytesPerPartition: this.config.fetchMaxBytesPerPartition,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      // kafkajs' default (5 minutes) would leave new input partitions unread that long.
      metadataMaxAge: 10_000,
      // A fetch long-polls this long when there is no data; shutdown waits for it (default 5 s).
      maxWaitTimeInMs: 1000,
    });
    // The guarantee is chosen here, once; nothing else asks which one runs.
    const guarantee: ProcessingGuarantee =
      this.config.processingGuarantee === 'exactly_once'
        ? new ExactlyOnceGuarantee(this.kafka, metadata, {
            applicationId: this.config.applicationId,
            batchRecords: this.config.producerBatchRecords,
            transactionTimeoutMs: this.config.transactionTimeoutMs,
          })
        : new AtLeastOnceGuarantee(this.kafka, metadata, consumer, this.config.producerBatchRecords);
    await guarantee.start();
    this.pendingGuarantee = guarantee;
    const committer = new TaskCommitter(guarantee, this.stats, this.logger);
    const taskManager = new TaskManager({
      topology: this.topology,
      config: this.config,
      logger: this.logger,
      stats: this.stats,
      subByTopic: this.subByTopic,
      allTopics,
      admin,
      metadata,
      guarantee,
      committer,
      ports: await this.taskPorts(metadata),
      changelogs: new KafkaChangelogReader(this.kafka, {
        readCommitted: guarantee.name === 'exactly_once',
        logger: this.logger,
        onProgress: (p) => this.stats.restore.set(`${p.taskId}/${p.store}`, p),
      }),
    });
    const purger = new RepartitionPurger({
      admin,
      repartitionTopics: topologyTopics(this.topology, this.config.applicationId).repartition,
      intervalMs: this.config.repartitionPurgeIntervalMs,
      logger: this.logger,
      purged: (topic, records) => this.stats.countPurged(topic, records),
    });
    const owners = new TaskOwnersReader(() => consumer.describeGroup(), this.logger);
    // Standbys live in the main thread whatever numStreamThreads is (docs/runtime.md, "Standby replicas").
    const standbys = new StandbyTasks({
      kafka: this.kafka,
      topology: this.topology,
      applicationId: this.config.applicationId,
      readCommitted: guarantee.name === 'exactly_once',
      ports: new LocalTaskPorts(this.localTaskOptions(), metadata),
      logger: this.logger,
      onError: (error) => this.fail('keeping a standby task up to date failed', error),
    });
    await standbys.readStateLeftOnDisk(await this.tasksWithStateOnDisk());
    const started: Started = { admin, metadata, consumer, guarantee, taskManager, committer, owners, standbys, purger };
    this.started = started;

    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // kafkajs restarts a crashed consumer on a timer that stop() does not clear when the crash was
      // being handled meanwhile (a lost broker): such a consumer joining after this runtime failed or
      // stopped leaves again, or it would hold the tasks of the runtime that replaces this one.
      if (this.failure !== undefined || this.lifecycle.state === 'NOT_RUNNING') {
        consumer.disconnect().catch((error: unknown) => this.logger.warn('leaving the group after the application stopped failed', { err: error }));
        return;
      }
      const { memberAssignment: assignment, memberId } = event.payload;
      owners.joined(memberId);
      this.scheduler.exclusive(() => this.onAssignment(started, assignment, memberId)).catch((error: unknown) => this.fail('handling a new assignment failed', error));
    });
    consumer.on(consumer.events.REBALANCING, () => {
      this.stats.history.rebalanceStarted();
      if (this.lifecycle.state === 'RUNNING') this.lifecycle.transitionTo('REBALANCING');
      this.scheduler.exclusive(() => this.commitAll(started, true)).catch((error: unknown) => this.fail('committing before a rebalance failed', error));
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.fail('the consumer crashed', event.payload.error);
    });
    await warnAboutDeletedInput(admin, this.logger, this.config.applicationId, topologyTopics(this.topology, this.config.applicationId).inputs);
    await consumer.connect();
    await consumer.subscribe({ topics: this.sourceTopics(), fromBeginning: true });
    this.stats.history.rebalanceStarted();
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Batches of different tasks run concurrently (see TaskScheduler); one partition's are in order.
      partitionsConsumedConcurrently: this.config.taskConcurrency,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale }) => {
        // Once closing, nothing new is processed: the final commit must cover everything processed.
        if (this.failure !== undefined || this.stopping !== undefined || isStale()) return;
        try {
          await withGroupKeepAlive(heartbeat, this.logger, async () => {
            await this.scheduler.shared(() => this.processBatch(started, batch));
            if (this.commitDue(started) && this.stopping === undefined) {
              await this.scheduler.exclusive(() => (this.commitDue(started) ? this.commitAll(started, false) : Promise.resolve()));
            }
          });
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
    // close() may have begun while the consumer was joining: then nothing more is started.
    if (this.stopping !== undefined) return;
    this.metadataRefresher = new SourceMetadataRefresher(() => started.metadata.refresh(this.sourceTopics()), {
      idleMs: this.config.metadataRefreshMs,
      onInputMs: this.config.metadataRefreshOnInputMs,
      onError: (error) => this.logger.warn("reading the input topics' partition counts failed; retrying", { err: error }),
    });
    this.ticker = setInterval(() => {
      if (this.failure !== undefined || this.stopping !== undefined) return;
      this.metadataRefresher?.tick();
      if (this.tickQueued) return;
      this.tickQueued = true;
      this.scheduler
        .exclusive(() => this.tick(started))
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

  private readonly onChunkGroupAbandoned = (event: object): void =>
    this.logger.warn('abandoned the pieces of a record whose writer was cut off; it writes the record again', { ...event });

  /** How tasks open in the main thread: all tasks with one stream thread, and standbys always. */
  private localTaskOptions(observer?: TaskObserver): LocalTaskOptions {
    return {
      applicationId: this.config.applicationId,
      topology: this.topology,
      stateDir: this.config.stateDir,
      defaultStoreKind: this.config.defaultStoreKind,
      clock: Date.now,
      errorPolicies: this.config.errorPolicies,
      deadLetterTopic: `${this.config.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`,
      maxBufferedEntriesPerStore: this.config.maxBufferedEntriesPerStore,
      onChunkGroupAbandoned: this.onChunkGroupAbandoned,
      ...(observer === undefined ? {} : { observer }),
      ...(this.globalStores === undefined ? {} : { globalStores: this.globalStores.views() }),
    };
  }

  /** Where tasks run: in this thread, or in `numStreamThreads` worker threads (docs/runtime.md, "Stream threads"). */
  private async taskPorts(metadata: TopicMetadata): Promise<TaskPortFactory> {
    const deadLetterTopic = `${this.config.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`;
    const onChunkGroupAbandoned = this.onChunkGroupAbandoned;
    if (this.globalStores !== undefined && this.config.numStreamThreads > 1) {
      // A global table lives on the main thread; tasks in stream threads cannot read it (not yet).
      throw new ConfigError(`a topology with global tables (${[...this.topology.globalStores.keys()].join(', ')}) runs with one stream thread only`);
    }
    if (this.config.numStreamThreads === 1 || this.workerTopology === undefined) {
      return new LocalTaskPorts(this.localTaskOptions(this.observer), metadata);
    }
    const pool = new WorkerPool({
      threads: this.config.numStreamThreads,
      start: {
        topology: this.workerTopology,
        applicationId: this.config.applicationId,
        stateDir: this.config.stateDir,
        defaultStoreKind: this.config.defaultStoreKind,
        errorPolicies: this.config.errorPolicies,
        deadLetterTopic,
        maxBufferedEntriesPerStore: this.config.maxBufferedEntriesPerStore,
      },
      topics: metadata,
      observer: this.observer,
      onChunkGroupAbandoned,
      onFailure: (error) => this.fail('a stream thread failed', error),
    });
    try {
      await pool.ready();
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Reads the global tables whole before any task starts; the reader then keeps them up to date. */
  private async startGlobalStores(admin: Admin): Promise<void> {
    const stores = await GlobalStores.open(this.topology, { stateDir: this.config.stateDir, defaultStoreKind: this.config.defaultStoreKind, fresh: true });
    this.globalStores = stores;
    this.globalReader = new GlobalStoreReader(this.kafka, admin, stores, {
      groupId: `${this.config.applicationId}-global-${this.instanceId}`,
      logger: this.logger,
      onError: (error) => this.fail('reading the global tables failed', error),
    });
    await this.globalReader.start();
  }

  /** Finishes in-flight work, commits, closes stores, leaves the group. Safe to call more than once. */
  close(): Promise<void> {
    this.stopping ??= this.shutdown(true);
    return this.stopping;
  }

  snapshot(): AppSnapshot {
    const recordsOut = this.started?.guarantee.recordsSent() ?? {};
    const deadLetterTopic = `${this.config.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`;
    return {
      applicationId: this.config.applicationId,
      instanceId: this.instanceId,
      state: this.lifecycle.state,
      ready: this.ready && this.lifecycle.state === 'RUNNING',
      tasks: this.started?.taskManager.snapshot() ?? [],
      recordsIn: Object.fromEntries(this.stats.recordsIn),
      recordsOut,
      deadLetters: recordsOut[deadLetterTopic] ?? 0,
      recordsPurged: Object.fromEntries(this.stats.recordsPurged),
      commits: { count: this.stats.commitCount, totalMs: this.stats.commitTotalMs, lastMs: this.stats.commitLastMs, maxMs: this.stats.commitMaxMs },
      lag: [...this.stats.lag.values()],
      restore: [...this.stats.restore.values()],
      startedAt: this.startedAt,
      endpoint: this.endpoint(),
      standbys: this.started?.standbys.snapshot() ?? [],
      ...this.stats.activity(),
    };
  }

  /** Sizes of the stores of the running tasks, read between rebalances (never while tasks open or close). */
  storeSizes(): Promise<StoreSize[]> {
    const started = this.started;
    if (started === undefined) return Promise.resolve([]);
    return this.scheduler.shared(async () => {
      const sizes: StoreSize[] = [];
      for (const running of started.taskManager.values()) {
        for (const size of await running.port.storeSizes()) sizes.push({ taskId: running.key, ...size });
      }
      return sizes;
    });
  }

  async queryStore(store: string, key: string): Promise<StoreQueryResult> {
    const global = this.globalStores?.views().get(store);
    const globalDefinition = this.topology.globalStores.get(store);
    if (global !== undefined && globalDefinition !== undefined) {
      // Every instance holds the whole global table: answered here, whatever the key.
      const found = await global.get(storeKeyFromText(store, globalDefinition.keySerde, key).key);
      return found === undefined ? { kind: 'not-found', partition: 0 } : { kind: 'found', value: found, partition: 0 };
    }
    const sub = this.topology.subTopologies.find((s) => s.stores.includes(store));
    const definition = this.topology.stores.get(store);
    if (sub === undefined || definition === undefined) throw new CdcStreamsError(`no store named '${store}'`, { code: 'UNKNOWN_STORE' });
    const typed = storeKeyFromText(store, definition.keySerde, key);
    const partition = storeKeyPartition(this.topology, this.config.applicationId, sub, typed, this.taskCounts.get(sub.id) ?? 1);
    const task = taskKey(sub.id, partition);
    const running = this.started?.taskManager.get(task);
    if (running === undefined) return { kind: 'remote', partition, ...remoteOwner(this.started?.owners.current, task, this.endpoint()) };
    const value = await this.scheduler.shared(() => running.port.query(store, typed.key));
    return value === undefined ? { kind: 'not-found', partition } : { kind: 'found', value, partition };
  }

  /** Which instance holds which partition of each store, from the group's last assignment. */
  storeOwners(): StoreOwnersReport {
    return storeOwnersReport({
      topology: this.topology,
      applicationId: this.config.applicationId,
      taskCounts: this.taskCounts,
      ownership: this.started?.owners.current,
      self: this.endpoint(),
      localTasks: new Set(this.started?.taskManager.keys() ?? []),
    });
  }

  // ---- the loop ----

  private async processBatch(started: Started, batch: Batch): Promise<void> {
    const sub = this.subByTopic.get(batch.topic);
    const running = sub === undefined ? undefined : started.taskManager.get(taskKey(sub.id, batch.partition));
    if (running === undefined) return;
    const work = running.chain.then(() => this.processTaskBatch(started, running, batch));
    running.chain = work.catch(() => undefined);
    await work;
  }

  private async processTaskBatch(started: Started, running: RunningTask, batch: Batch): Promise<void> {
    const records = toInputRecords(batch, running.expected.get(batch.topic) ?? 0n);
    if (records.length === 0) return;
    if (!(await this.applyStep(started, running, () => running.port.process(records)))) return;
    const next = BigInt(records[records.length - 1]!.offset) + 1n;
    running.expected.set(batch.topic, next);
    running.recordsProcessed += records.length;
    // Its progress is announced only with a partition count read after it (docs/cdc.md, "Partition growth").
    if (this.inputTopics.has(batch.topic)) this.metadataRefresher?.inputProcessed();
    this.stats.countIn(batch.topic, records.length);
    this.stats.setLag(batch.topic, batch.partition, Number(BigInt(batch.highWatermark) - next));
  }

  /**
   * Runs one step of a task and sends what it wrote. A task whose producer another instance fenced
   * (exactly_once; found when a send fails) has moved: it is closed without committing, its work redone
   * by the new owner. Returns false then.
   */
  private async applyStep(started: Started, running: RunningTask, step: () => Promise<TaskStep>): Promise<boolean> {
    try {
      const result = await step();
      running.channel.send(result.outputs);
      running.dirty ||= result.dirty;
      running.wantsCommit ||= result.wantsCommit;
      return true;
    } catch (error) {
      if (started.guarantee.name !== 'exactly_once' || !isFencing(error)) throw error;
      this.logger.warn('task migrated: producer fenced, closing it without committing', { task: running.key });
      await started.taskManager.closeTask(running);
      return false;
    }
  }

  private commitDue(started: Started): boolean {
    return Date.now() - this.lastCommitAt >= this.config.commitIntervalMs || started.taskManager.anyWantsCommit();
  }

  private async tick(started: Started): Promise<void> {
    this.idleInput.observe(this.stats.recordsIn, this.ready && this.lifecycle.state === 'RUNNING');
    const now = Date.now();
    for (const running of [...started.taskManager.values()]) await this.applyStep(started, running, () => running.port.punctuate(now));
    if (this.commitDue(started)) await this.commitAll(started, false);
  }

  /** Commits every task with uncommitted work. `bestEffort`: a failure (e.g. mid-rebalance) is logged, not fatal. */
  private async commitAll(started: Started, bestEffort: boolean): Promise<void> {
    this.lastCommitAt = Date.now();
    const fenced = await started.committer.commit(started.taskManager.values(), bestEffort);
    for (const running of fenced) await started.taskManager.closeTask(running);
    // As Kafka Streams: after a commit, whether or not it had anything to commit (an idle app purges too).
    if (!bestEffort) started.purger.maybePurge([...started.taskManager.values()].map((t) => ({ partition: t.port.partition, committed: t.committed })));
  }

  // ---- assignment ----

  private async onAssignment(started: Started, assignment: Record<string, number[]>, memberId: string): Promise<void> {
    if (this.lifecycle.state === 'RUNNING') this.lifecycle.transitionTo('REBALANCING');
    this.ready = false;
    const appliedFrom = Date.now();
    const standbys = this.config.numStandbyReplicas > 0 ? await this.standbySpecs(started, assignment, memberId) : [];
    // A standby promoted to active gives up its stores first; new standbys open once revoked tasks closed.
    await started.standbys.release(new Set(standbys.map((s) => taskKey(s.subTopology.id, s.partition))));
    await started.taskManager.applyAssignment(assignment);
    // The tasks kept here hear of it: their readers may have restarted (CDC progress is announced again).
    started.metadata.rebalanced();
    started.standbys.forgetStateLeftOnDisk(started.taskManager.keys());
    await started.standbys.assign(standbys);
    this.ready = true;
    this.stats.history.assignmentApplied(started.taskManager.keys());
    // close() may have begun while the assignment was applied (a SIGTERM during a rebalance): shutting
    // down wins, and the state stays PENDING_SHUTDOWN.
    if (this.stopping === undefined) this.lifecycle.transitionTo('RUNNING');
    this.logger.info('assignment applied', {
      tasks: [...started.taskManager.keys()].sort(),
      ...(standbys.length === 0 ? {} : { standbys: standbys.map((s) => taskKey(s.subTopology.id, s.partition)).sort() }),
      // From the new assignment to its tasks running: closing, opening and restoring (failover time).
      applyMs: Date.now() - appliedFrom,
    });
  }

  /** Stateful tasks with a directory in the state directory: an earlier run here held their state. */
  private async tasksWithStateOnDisk(): Promise<TaskSpec[]> {
    const present = new Set(await readdir(this.config.stateDir));
    const specs: TaskSpec[] = [];
    for (const subTopology of this.topology.subTopologies) {
      if (!subTopology.stores.some((store) => this.topology.stores.get(store)?.changelog === true)) continue;
      for (let partition = 0; partition < (this.taskCounts.get(subTopology.id) ?? 0); partition++) {
        if (present.has(taskKey(subTopology.id, partition))) specs.push({ subTopology, partition });
      }
    }
    return specs;
  }

  /** This member's standby tasks from the assignment; never one it runs as active. */
  private async standbySpecs(started: Started, assignment: Record<string, number[]>, memberId: string): Promise<TaskSpec[]> {
    let info: Awaited<ReturnType<typeof readOwnAssignmentInfo>>;
    try {
      info = await readOwnAssignmentInfo(started.consumer, memberId);
    } catch (error) {
      // Standbys only speed a failover up: without them this generation runs as it would with none.
      this.logger.warn('could not read this instance\'s standby tasks from its assignment; keeping none until the next rebalance', { err: error });
      return [];
    }
    const active = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.subByTopic.get(topic);
      if (sub !== undefined) for (const partition of partitions) active.add(taskKey(sub.id, partition));
    }
    const specs: TaskSpec[] = [];
    for (const key of info?.standbys ?? []) {
      const [sub, partition] = key.split('_').map(Number);
      const subTopology = this.topology.subTopologies.find((s) => s.id === sub);
      if (subTopology === undefined || partition === undefined || !Number.isInteger(partition) || active.has(key)) continue;
      specs.push({ subTopology, partition });
    }
    return specs;
  }

  // ---- stop ----

  fail(message: string, error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = new ApplicationFailedError(`${message}: ${error instanceof Error ? error.message : String(error)}`, error);
    this.logger.error(this.failure.message, { err: error });
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
        this.logger.error(`${what} failed during shutdown`, { err: error });
      }
    };
    const started = this.started;
    if (started !== undefined) {
      // Commit before stopping the consumer: kafkajs' commitOffsets (at_least_once) needs a running consumer.
      // Queued behind the batch in flight; batches fetched after close() began are not processed.
      if (graceful && this.failure === undefined) await attempt('the final commit', () => this.scheduler.exclusive(() => this.commitAll(started, false)));
      started.owners.close();
      await attempt('stopping the consumer', () => started.consumer.stop());
      await this.scheduler.idle();
      await started.taskManager.closeAll(graceful, attempt);
      await attempt('closing the standby tasks', () => started.standbys.closeAll());
      await attempt('stopping the task threads', () => started.taskManager.closePorts());
      await attempt('leaving the group', () => started.consumer.disconnect());
      await attempt('stopping the global tables reader', async () => this.globalReader?.close());
      await attempt('closing the global stores', async () => this.globalStores?.close());
      await attempt('closing the producers', () => started.guarantee.close());
      await this.metadataRefresher?.close();
      await started.purger.idle();
      await attempt('closing the admin client', () => started.admin.disconnect());
    }
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
