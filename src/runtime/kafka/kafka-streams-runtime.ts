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
import { partitionForKey } from '../task/murmur2-partitioner.js';
import { planTopics } from '../topic-plan.js';
import { topologyTopics } from '../topology-topics.js';
import { applyTopicPlan } from './ensure-topics.js';
import { createKafkaClient } from './kafka-client.js';
import { connectExplained } from './kafka-connect-errors.js';
import { toInputRecords } from './kafka-records.js';
import { ProducerCollector } from './producer-collector.js';
import type { RunningTask } from './running-task.js';
import { taskAssignor } from './task-assignor.js';
import { TaskCommitter } from './task-committer.js';
import { TaskManager } from './task-manager.js';
import { TopicMetadata } from './topic-metadata.js';


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
  private readonly taskManager: TaskManager;
  private readonly committer: TaskCommitter;
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private sharedCollector: ProducerCollector | undefined;
  private metadata: TopicMetadata | undefined;
  private taskCounts = new Map<number, number>();
  private ticker: NodeJS.Timeout | undefined;
  private lastCommitAt = Date.now();
  private metadataRefresh: Promise<void> | undefined;
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
    // The two refer to each other through callbacks: a revoked task is committed before it closes, a
    // fenced one is closed by the commit that found it fenced.
    this.taskManager = new TaskManager({
      kafka: this.kafka,
      topology,
      config,
      logger,
      stats: this.stats,
      subByTopic: this.subByTopic,
      allTopics: () => this.allTopics(),
      metadata: () => this.metadata,
      admin: () => this.admin,
      sharedCollector: () => this.sharedCollector,
      commitBeforeRevoke: (running) => this.committer.commitRevoked(running),
      onTopicsGrown: () => this.renewSharedProducer(),
    });
    this.committer = new TaskCommitter({
      config,
      logger,
      stats: this.stats,
      sharedCollector: () => this.sharedCollector,
      consumer: () => this.consumer,
      closeFenced: (running) => this.taskManager.closeTask(running, false),
    });
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
    await connectExplained(admin, this.config.kafka);
    const metadata = new TopicMetadata(admin);
    this.metadata = metadata;
    const wanted = this.allTopics();
    const plan = planTopics(this.topology, this.config.applicationId, await metadata.existing(wanted));
    await applyTopicPlan(admin, plan, this.config.replicationFactor);
    for (const [topic, count] of plan.partitions) metadata.set(topic, count);
    await metadata.refresh([...plan.partitions.keys()]);
    await metadata.refreshLimits([...plan.partitions.keys()]);
    this.taskCounts = new Map(plan.taskCounts);

    if (!this.exactlyOnce) {
      this.producer = await this.connectSharedProducer();
      this.sharedCollector = new ProducerCollector(
        (batch) => this.producer!.sendBatch({ topicMessages: batch, acks: -1 }),
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
          currentTasks: () => [...this.taskManager.keys()],
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
      if (this.failure !== undefined || this.stopping !== undefined) return;
      this.refreshSourceMetadata();
      if (this.tickQueued) return;
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
    const collectors = this.sharedCollector !== undefined ? [this.sharedCollector] : [...this.taskManager.values()].flatMap((t) => (t.producer ? [t.producer.collector] : []));
    for (const c of collectors) for (const [topic, n] of c.sentPerTopic) recordsOut[topic] = (recordsOut[topic] ?? 0) + n;
    const deadLetterTopic = `${this.config.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`;
    return {
      applicationId: this.config.applicationId,
      instanceId: this.instanceId,
      state: this.lifecycle.state,
      ready: this.ready && this.lifecycle.state === 'RUNNING',
      tasks: this.taskManager.snapshot(),
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
    const running = this.taskManager.get(taskKey(sub.id, partition));
    if (running === undefined) return { kind: 'remote', partition, owner: undefined };
    const value = await this.scheduler.shared(() => running.task.store(store)!.get(key));
    return value === undefined ? { kind: 'not-found', partition } : { kind: 'found', value, partition };
  }

  /**
   * A CDC input may gain partitions: its tasks announce progress only with a partition count read after
   * it (docs/cdc.md, "Partition growth"), so counts are read every `metadataRefreshMs` — beside
   * processing, not in the serial section. One read at a time.
   */
  private refreshSourceMetadata(): void {
    const metadata = this.metadata;
    if (metadata === undefined || this.metadataRefresh !== undefined) return;
    const startedAt = Date.now();
    this.metadataRefresh = metadata
      .refresh(this.sourceTopics())
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, this.config.metadataRefreshMs - (Date.now() - startedAt)))))
      .catch((error: unknown) => this.logger.warn('reading the input topics\' partition counts failed; retrying', { error: String(error) }))
      .finally(() => {
        this.metadataRefresh = undefined;
      });
  }

  private async connectSharedProducer(): Promise<Producer> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    return producer;
  }

  /**
   * at_least_once: swaps the shared producer for a new one after internal topics grew. kafkajs drops,
   * without an error, records for a partition its metadata does not know, and a producer's metadata is
   * only refreshed every few minutes; a new producer reads it afresh. Under exactly_once each new task
   * opens its own producer after the growth.
   */
  private async renewSharedProducer(): Promise<void> {
    const old = this.producer;
    if (this.sharedCollector === undefined || old === undefined) return;
    await this.sharedCollector.flush();
    this.producer = await this.connectSharedProducer();
    await old.disconnect();
  }

  // ---- the loop ----

  private async processBatch(batch: Batch): Promise<void> {
    const sub = this.subByTopic.get(batch.topic);
    const running = sub === undefined ? undefined : this.taskManager.get(taskKey(sub.id, batch.partition));
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
    return Date.now() - this.lastCommitAt >= this.config.commitIntervalMs || this.taskManager.anyWantsCommit();
  }

  private async tick(): Promise<void> {
    for (const running of this.taskManager.values()) await running.task.punctuateWallClock();
    if (this.commitDue()) await this.commitAll(false);
  }

  /** Commits every task with uncommitted work. `bestEffort`: a failure (e.g. mid-rebalance) is logged, not fatal. */
  private commitAll(bestEffort: boolean): Promise<void> {
    this.lastCommitAt = Date.now();
    return this.committer.commitAll(this.taskManager.values(), bestEffort);
  }

  // ---- assignment ----

  private async onAssignment(assignment: Record<string, number[]>): Promise<void> {
    if (this.lifecycle.state === 'RUNNING') this.lifecycle.transitionTo('REBALANCING');
    this.ready = false;
    await this.taskManager.applyAssignment(assignment);
    this.ready = true;
    this.lifecycle.transitionTo('RUNNING');
    this.logger.info('assignment applied', { tasks: [...this.taskManager.keys()].sort() });
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
    await this.taskManager.closeAll(graceful, attempt);
    await attempt('leaving the group', async () => this.consumer?.disconnect());
    await attempt('closing the producer', async () => this.producer?.disconnect());
    await this.metadataRefresh;
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
