import { physicalTopicName } from '../../topology/topic-ref.js';
import type { ChangelogRecordIn } from './changelog-chunks.js';
import type { InputRecord } from './input-record.js';
import { OutputBuffer } from './output-buffer.js';
import type { StreamTask } from './stream-task.js';
import { createTask, type TaskFactoryOptions } from './task-factory.js';
import type { TaskSpec } from './task-host.js';
import type { PreparedCommit, TaskPort, TaskPortFactory, TaskPortSnapshot, TaskStep } from './task-port.js';
import type { TopicInfo } from './topic-info.js';

/** What a host needs to open tasks in its own thread (a worker thread opens its tasks the same way). */
export type LocalTaskOptions = Omit<TaskFactoryOptions, 'collector'>;

/** Opens every task in this thread. */
export class LocalTaskPorts implements TaskPortFactory {
  constructor(
    private readonly options: LocalTaskOptions,
    private readonly topics: TopicInfo,
  ) {}

  open(spec: TaskSpec): Promise<TaskPort> {
    return LocalTaskPort.open(this.options, spec, this.topics);
  }

  async close(): Promise<void> {}
}

/** A task in the host's own thread: every call goes straight to the StreamTask. */
export class LocalTaskPort implements TaskPort {
  /**
   * Opens a task's stores and builds it (RESTORING); `start()` follows once they are restored. Its
   * records collect in an OutputBuffer that each step hands to the host.
   */
  static async open(options: LocalTaskOptions, spec: TaskSpec, topics: TopicInfo, thread = 'main'): Promise<LocalTaskPort> {
    const output = new OutputBuffer(topics);
    const inputTopics = spec.subTopology.sourceTopics.map((t) => physicalTopicName(t, options.applicationId));
    const task = await createTask(
      { ...options, collector: output },
      spec.subTopology,
      spec.partition,
      () => topics.inputPartitions(inputTopics),
      () => topics.groupRebalances(),
    );
    task.transitionTo('RESTORING');
    return new LocalTaskPort(task, output, thread);
  }

  readonly taskId: string;
  readonly subTopologyId: number;
  readonly partition: number;

  constructor(
    private readonly task: StreamTask,
    private readonly output: OutputBuffer,
    readonly thread = 'main',
  ) {
    this.taskId = task.taskId;
    this.subTopologyId = task.subTopologyId;
    this.partition = task.partition;
  }

  changelogOffset(store: string): Promise<string | undefined> {
    return this.task.changelogOffset(store);
  }

  restore(store: string, records: readonly ChangelogRecordIn[], nextOffset: string): Promise<void> {
    return this.task.restoreChangelog(store, records, nextOffset);
  }

  async start(): Promise<void> {
    this.task.finishRestore();
    // Processors may read their stores in init: only after the stores caught up with their changelogs.
    await this.task.initializeProcessors();
    this.task.transitionTo('RUNNING');
  }

  async process(batch: readonly InputRecord[]): Promise<TaskStep> {
    await this.task.process(batch);
    return this.step();
  }

  async punctuate(now: number): Promise<TaskStep> {
    await this.task.punctuateWallClock(now);
    return this.step();
  }

  prepareCommit(): Promise<PreparedCommit> {
    return Promise.resolve(this.task.prepareCommit());
  }

  completeCommit(nextChangelogOffsets: ReadonlyMap<string, string>): Promise<void> {
    return this.task.completeCommit(nextChangelogOffsets);
  }

  /** The task's store itself, for a host in the same thread (the test driver's `getStore`). */
  localStore(store: string): ReturnType<StreamTask['store']> {
    return this.task.store(store);
  }

  /** The physical topics the task reads. */
  inputTopics(): string[] {
    return this.task.inputTopics();
  }

  async query(store: string, key: unknown): Promise<unknown> {
    const found = this.task.store(store);
    if (found === undefined) throw new Error(`task ${this.taskId} has no store '${store}'`);
    return found.get(key);
  }

  snapshot(): TaskPortSnapshot {
    return { state: this.task.state, processors: this.task.processorMetrics(), notes: this.task.processorNotes() };
  }

  storeSizes(): ReturnType<TaskPort['storeSizes']> {
    return this.task.storeSizes();
  }

  close(): Promise<void> {
    return this.task.close();
  }

  private step(): TaskStep {
    return { outputs: this.output.take(), wantsCommit: this.task.wantsCommit(), dirty: this.task.hasUncommittedWork() };
  }
}
