import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEAD_LETTER_TOPIC_SUFFIX } from '../common/constants.js';
import { CdcStreamsError } from '../common/errors.js';
import type { Headers } from '../common/headers.js';
import { CommitProtocol } from '../runtime/task/commit-protocol.js';
import type { OutputRecord } from '../runtime/task/input-record.js';
import { LocalTaskPort, type LocalTaskOptions } from '../runtime/task/local-task-port.js';
import { partitionForKey } from '../runtime/task/murmur2-partitioner.js';
import { changelogTopicName } from '../runtime/task/stream-task.js';
import { startTasks, type TaskSpec } from '../runtime/task/task-host.js';
import type { TaskPort } from '../runtime/task/task-port.js';
import type { TopicInfo } from '../runtime/task/topic-info.js';
import { planTopics } from '../runtime/topic-plan.js';
import type { ErrorPolicies } from '../runtime/task/task-errors.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import type { WindowStore } from '../state/window-store.js';
import type { SegmentedSessionStore } from '../state/segmented-session-store.js';
import { GlobalStores } from '../runtime/global-stores.js';
import type { Serde } from '../serde/serde.js';
import type { StoreKind } from '../topology/store-definition.js';
import type { SubTopology } from '../topology/sub-topology.js';
import { physicalTopicName } from '../topology/topic-ref.js';
import type { Topology } from '../topology/topology.js';
import { InMemoryChangelogReader } from './in-memory-changelog-reader.js';
import { InMemoryTopics } from './in-memory-topics.js';
import type { PipeOptions, TestRecord } from './test-record.js';

export interface TopologyTestDriverOptions {
  readonly applicationId?: string;
  /** Where RocksDB stores live; a fresh temporary directory (removed on close) when not given. */
  readonly stateDir?: string;
  /** `persistent` (RocksDB, the default) or `in-memory`, for stores that do not choose. */
  readonly storeKind?: StoreKind;
  /**
   * Partition counts of external topics (default 1 each), and optionally a topic's
   * `max.message.bytes` (a record bigger than that is refused, as a broker would).
   */
  readonly topics?: Readonly<Record<string, { readonly partitions: number; readonly maxMessageBytes?: number }>>;
  /** `max.message.bytes` of every topic that does not set its own (default: Kafka's 1,048,588). */
  readonly maxMessageBytes?: number;
  /** Partition count of repartition topics (default: the most partitions of any external input topic). */
  readonly internalTopicPartitions?: number;
  readonly initialWallClockTime?: number;
  readonly errorPolicies?: Partial<ErrorPolicies>;
  /** Commit after every `pipeInput` and clock advance, as Kafka Streams' driver does (default true). */
  readonly autoCommit?: boolean;
}

export class TestDriverError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'TEST_DRIVER' });
  }
}

/**
 * Runs a topology in-process, with no broker: topics are in memory, stores are real (RocksDB in a
 * temporary directory by default), and the tasks are the same task engine the Kafka runtime uses.
 * Stream time follows input timestamps; wall-clock time moves only with `advanceWallClockTime`.
 */
export class TopologyTestDriver {
  private readonly topics: InMemoryTopics;
  /** Running tasks by sub-topology id, then partition. */
  private readonly tasks = new Map<number, Map<number, LocalTaskPort>>();
  private readonly readPositions = new Map<string, number>();
  private readonly outputCursors = new Map<string, number>();
  private readonly commitProtocol: CommitProtocol;
  private readonly topicInfo: TopicInfo;
  private wallClock: number;
  private closed = false;
  private globalStores: GlobalStores | undefined;

  private constructor(
    private readonly topology: Topology,
    private readonly options: TopologyTestDriverOptions,
    private readonly applicationId: string,
    private readonly stateDir: string,
    private readonly ownsStateDir: boolean,
  ) {
    this.wallClock = options.initialWallClockTime ?? 0;
    this.topics = new InMemoryTopics(options.maxMessageBytes);
    for (const [topic, { maxMessageBytes }] of Object.entries(options.topics ?? {})) {
      if (maxMessageBytes !== undefined) this.topics.setMaxMessageBytes(topic, maxMessageBytes);
    }
    const topics = this.topics;
    this.topicInfo = {
      partitionCount: (topic) => topics.partitionCount(topic),
      maxRecordBytes: (topic) => topics.maxRecordBytes(topic),
      // In memory a count is always current: every reading counts as made after anything observed.
      inputPartitions: (inputTopics) => ({
        count: Math.max(0, ...inputTopics.map((t) => topics.partitionCount(t))),
        countRead: Number.MAX_SAFE_INTEGER,
        readsStarted: 0,
      }),
      // One instance that never rebalances.
      groupRebalances: () => 0,
    };
    this.commitProtocol = new CommitProtocol({
      sendChangelog: (_port, records) => {
        for (const record of records) topics.send(record);
      },
      commit: async (requests) => {
        const lastOffsets = this.lastChangelogOffsets();
        return requests.map(() => ({ kind: 'committed' as const, lastOffsets }));
      },
    });
  }

  static async create(topology: Topology, options: TopologyTestDriverOptions = {}): Promise<TopologyTestDriver> {
    const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'cdc-streams-driver-')));
    const driver = new TopologyTestDriver(topology, options, options.applicationId ?? 'test-app', stateDir, options.stateDir === undefined);
    try {
      driver.createTopics();
      await driver.openGlobalStores();
      await driver.startMissingTasks();
    } catch (error) {
      await driver.close();
      throw error;
    }
    return driver;
  }

  /** Serializes with the serdes of the source reading `topic`, writes the record, and processes it. */
  async pipeInput<K, V>(topic: string, key: K, value: V, options: PipeOptions = {}): Promise<void> {
    const global = [...this.topology.globalStores.values()].find((g) => g.topic === topic);
    const source = global ?? this.topology.sourceFor({ name: topic, internal: false });
    if (source === undefined) throw new TestDriverError(`no source reads topic '${topic}'`);
    const keyBytes = toBytes(source.keySerde, key, topic);
    const valueBytes = toBytes(source.valueSerde, value, topic);
    await this.pipeRawInput(topic, keyBytes, valueBytes, options);
  }

  /** Writes a record as bytes (no serde), e.g. binlog envelopes to a chosen partition, and processes it. */
  async pipeRawInput(topic: string, key: Buffer | null, value: Buffer | null, options: PipeOptions = {}): Promise<void> {
    this.assertOpen();
    const count = this.topics.partitionCount(topic);
    const partition = options.partition ?? (key === null ? 0 : partitionForKey(key, count));
    if (partition < 0 || partition >= count) throw new TestDriverError(`topic '${topic}' has no partition ${partition}`);
    const headers: Headers = options.headers ?? {};
    this.topics.append({ topic, partition, key, value, timestamp: options.timestamp ?? this.wallClock, headers });
    await this.updateGlobalStores();
    await this.processPending();
    if (this.options.autoCommit ?? true) await this.commit();
  }

  /** The next unread output record of `topic`, deserialized with the serdes of the sink writing it. */
  readOutput<K = unknown, V = unknown>(topic: string): TestRecord<K, V> | undefined {
    const log = this.topics.log(topic);
    const cursor = this.outputCursors.get(topic) ?? 0;
    const record = log[cursor];
    if (record === undefined) return undefined;
    this.outputCursors.set(topic, cursor + 1);
    const sink = [...this.topology.nodes.values()].find(
      (n) => n.kind === 'sink' && physicalTopicName(n.topic, this.applicationId) === topic,
    );
    const keySerde = sink?.kind === 'sink' ? sink.keySerde : undefined;
    const valueSerde = sink?.kind === 'sink' ? sink.valueSerde : undefined;
    const context = { topic, partition: record.partition, offset: record.offset, headers: record.headers };
    return {
      key: (record.key === null || keySerde === undefined ? record.key : keySerde.deserialize(record.key, context)) as K,
      value: (record.value === null || valueSerde === undefined ? record.value : valueSerde.deserialize(record.value, context)) as V,
      timestamp: record.timestamp,
      headers: record.headers,
      partition: record.partition,
      offset: record.offset,
    };
  }

  readAllOutput<K = unknown, V = unknown>(topic: string): TestRecord<K, V>[] {
    const records: TestRecord<K, V>[] = [];
    for (let r = this.readOutput<K, V>(topic); r !== undefined; r = this.readOutput<K, V>(topic)) records.push(r);
    return records;
  }

  /** Physical name of the dead-letter topic (`<applicationId>-dlq`). */
  deadLetterTopic(): string {
    return `${this.applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`;
  }

  /** Moves the driver's wall clock and fires the wall-clock punctuations that became due. */
  async advanceWallClockTime(ms: number): Promise<void> {
    this.assertOpen();
    this.wallClock += ms;
    for (const port of this.allPorts()) this.write((await port.punctuate(this.wallClock)).outputs);
    await this.processPending();
    if (this.options.autoCommit ?? true) await this.commit();
  }

  wallClockTime(): number {
    return this.wallClock;
  }

  /** A store of the task that owns it for `partition` (default 0). */
  getStore<K, V>(name: string, partition = 0): KeyValueStore<K, V> {
    const sub = this.topology.subTopologies.find((s) => s.stores.includes(name));
    if (sub === undefined) throw new TestDriverError(`no processor uses store '${name}'`);
    const store = this.tasks.get(sub.id)?.get(partition)?.localStore(name);
    if (store === undefined) throw new TestDriverError(`store '${name}' has no task for partition ${partition}`);
    return store as KeyValueStore<K, V>;
  }

  /** A window store (a windowed aggregation's, or one from `addWindowStore`) of the task that owns it for `partition`. */
  async getWindowStore<K, V>(name: string, partition = 0): Promise<WindowStore<K, V>> {
    const layout = this.topology.stores.get(name)?.layout;
    if (layout?.type !== 'window') throw new TestDriverError(`store '${name}' is not a window store`);
    return (await layout.open(this.getStore<Buffer, Buffer>(name, partition))) as WindowStore<K, V>;
  }

  /** A session store (a session-windowed aggregation's) of the task that owns it for `partition`. */
  async getSessionStore<K, V>(name: string, partition = 0): Promise<SegmentedSessionStore<K, V>> {
    const layout = this.topology.stores.get(name)?.layout;
    if (layout?.type !== 'session') throw new TestDriverError(`store '${name}' is not a session store`);
    return (await layout.open(this.getStore<Buffer, Buffer>(name, partition))) as SegmentedSessionStore<K, V>;
  }

  /** The counters a processor reports (`Processor.reportMetrics`), e.g. a windowed aggregation's dropped late records. */
  processorMetrics(nodeName: string, partition = 0): Readonly<Record<string, number>> {
    const sub = this.topology.subTopologies.find((s) => s.nodeNames.includes(nodeName));
    if (sub === undefined) throw new TestDriverError(`no node named '${nodeName}'`);
    const port = this.tasks.get(sub.id)?.get(partition);
    if (port === undefined) throw new TestDriverError(`node '${nodeName}' has no task for partition ${partition}`);
    return port.snapshot().processors[nodeName] ?? {};
  }

  /** A global store (from `globalTable` or `addGlobalStore`), read-only, as the tasks see it. */
  getGlobalStore<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.globalStores?.views().get(name);
    if (store === undefined) throw new TestDriverError(`no global store named '${name}'`);
    return store as KeyValueStore<K, V>;
  }

  /** Grows an external topic to `partitions` (as a CDC subscription may) and starts the new tasks. */
  async addPartitions(topic: string, partitions: number): Promise<void> {
    this.topics.ensure(topic, partitions);
    await this.startMissingTasks();
  }

  async commit(): Promise<void> {
    this.assertOpen();
    await this.commitProtocol.commit(this.allPorts());
  }

  /**
   * Commits, closes every task, and starts them again, as a restarted application would:
   * `wipeState` deletes the state directory first, so every store is restored from its changelog.
   */
  async restart(options: { readonly wipeState?: boolean } = {}): Promise<void> {
    this.assertOpen();
    await this.commit();
    for (const port of this.allPorts()) await port.close();
    this.tasks.clear();
    await this.globalStores?.close();
    if (options.wipeState === true) await rm(this.stateDir, { recursive: true, force: true });
    await this.openGlobalStores();
    await this.startMissingTasks();
  }

  /** Commits, closes every task and its stores, and removes the state directory if the driver made it. */
  async close(): Promise<void> {
    if (this.closed) return;
    let failure: unknown;
    try {
      await this.commitProtocol.commit(this.allPorts());
    } catch (error) {
      failure = error;
    }
    this.closed = true;
    for (const port of this.allPorts()) {
      try {
        await port.close();
      } catch (error) {
        failure ??= error;
      }
    }
    try {
      await this.globalStores?.close();
    } catch (error) {
      failure ??= error;
    }
    if (this.ownsStateDir) await rm(this.stateDir, { recursive: true, force: true });
    if (failure !== undefined) throw failure;
  }

  // ---- internals ----

  /** Opens the global stores and brings them up to what their topics hold. */
  private async openGlobalStores(): Promise<void> {
    if (this.topology.globalStores.size === 0) return;
    this.globalStores = await GlobalStores.open(this.topology, { stateDir: this.stateDir, defaultStoreKind: this.options.storeKind ?? 'persistent' });
    await this.updateGlobalStores();
  }

  /** Applies what the global stores' topics gained since they were last read, as the Kafka runtime's reader does. */
  private async updateGlobalStores(): Promise<void> {
    const stores = this.globalStores;
    if (stores === undefined) return;
    for (const topic of stores.topics().keys()) {
      const partitions = this.topics.partitionCount(topic);
      const next = await stores.nextOffsets(topic, partitions);
      for (let p = 0; p < partitions; p++) {
        const records = this.topics.read(topic, p, Number(next.get(p) ?? '0'));
        await stores.apply(topic, p, records);
      }
    }
  }

  /**
   * The application's topics as the Kafka runtime plans them (topic-plan.ts), in memory: external
   * topics with the partitions the options give (default 1), repartition topics with the task count of
   * the sub-topology writing them (or `internalTopicPartitions`), changelogs with their owner's task
   * count, and the dead-letter topic.
   */
  private createTopics(): void {
    const external = this.options.topics ?? {};
    const existing = new Map<string, number>();
    for (const node of this.topology.nodes.values()) {
      const refs = node.kind === 'source' ? node.topics : node.kind === 'sink' ? [node.topic] : [];
      for (const ref of refs) {
        if (!ref.internal) existing.set(ref.name, external[ref.name]?.partitions ?? 1);
        else if (this.options.internalTopicPartitions !== undefined && ref.partitions === undefined && !isDeadLetterTopic(ref.name)) {
          existing.set(physicalTopicName(ref, this.applicationId), this.options.internalTopicPartitions);
        }
      }
    }
    const plan = planTopics(this.topology, this.applicationId, existing);
    for (const [topic, partitions] of plan.partitions) this.topics.ensure(topic, partitions);
    for (const global of this.topology.globalStores.values()) this.topics.ensure(global.topic, external[global.topic]?.partitions ?? 1);
  }

  /** Starts the tasks of every sub-topology partition that has none yet (all of them at first). */
  private async startMissingTasks(): Promise<void> {
    for (const sub of this.topology.subTopologies) {
      for (const store of sub.stores) {
        if (this.topology.stores.get(store)?.changelog) this.topics.ensure(changelogTopicName(this.applicationId, store), this.partitionsOf(sub));
      }
    }
    const specs: TaskSpec[] = [];
    for (const sub of this.topology.subTopologies) {
      for (let partition = 0; partition < this.partitionsOf(sub); partition++) {
        if (this.tasks.get(sub.id)?.has(partition) !== true) specs.push({ subTopology: sub, partition });
      }
    }
    const options: LocalTaskOptions = {
      applicationId: this.applicationId,
      topology: this.topology,
      stateDir: this.stateDir,
      defaultStoreKind: this.options.storeKind ?? 'persistent',
      clock: () => this.wallClock,
      errorPolicies: { deserialization: 'fail', processing: 'fail', ...this.options.errorPolicies },
      deadLetterTopic: this.deadLetterTopic(),
      ...(this.globalStores === undefined ? {} : { globalStores: this.globalStores.views() }),
    };
    const opened = new Map<TaskPort, LocalTaskPort>();
    const started = await startTasks(
      specs,
      async (spec) => {
        const port = await LocalTaskPort.open(options, spec, this.topicInfo);
        opened.set(port, port);
        return port;
      },
      new InMemoryChangelogReader(this.topics),
      this.topology,
      this.applicationId,
    );
    for (const port of started) {
      const local = opened.get(port)!;
      let bySub = this.tasks.get(port.subTopologyId);
      if (bySub === undefined) {
        bySub = new Map();
        this.tasks.set(port.subTopologyId, bySub);
      }
      bySub.set(port.partition, local);
    }
  }

  private partitionsOf(sub: SubTopology): number {
    let count = 0;
    for (const ref of sub.sourceTopics) count = Math.max(count, this.topics.partitionCount(physicalTopicName(ref, this.applicationId)));
    return count;
  }

  private async processPending(): Promise<void> {
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const sub of this.topology.subTopologies) {
        for (const port of this.tasks.get(sub.id)?.values() ?? []) {
          for (const topic of port.inputTopics()) {
            const position = `${port.taskId}|${topic}`;
            const from = this.readPositions.get(position) ?? 0;
            const records = this.topics.read(topic, port.partition, from);
            if (records.length === 0) continue;
            this.readPositions.set(position, from + records.length);
            this.write((await port.process(records)).outputs);
            progressed = true;
          }
        }
      }
    }
  }

  private write(records: readonly OutputRecord[]): void {
    for (const record of records) this.topics.send(record);
  }

  private lastChangelogOffsets(): ReadonlyMap<string, string> {
    const offsets = new Map<string, string>();
    for (const sub of this.topology.subTopologies) {
      for (const store of sub.stores) {
        const topic = changelogTopicName(this.applicationId, store);
        if (!this.topics.has(topic)) continue;
        for (let p = 0; p < this.topics.partitionCount(topic); p++) {
          const end = this.topics.endOffset(topic, p);
          if (end > 0) offsets.set(`${topic}:${p}`, String(end - 1));
        }
      }
    }
    return offsets;
  }

  private allPorts(): LocalTaskPort[] {
    return [...this.tasks.values()].flatMap((m) => [...m.values()]);
  }

  private assertOpen(): void {
    if (this.closed) throw new TestDriverError('the driver is closed');
  }
}

function toBytes<T>(serde: Serde<T> | undefined, value: T, topic: string): Buffer | null {
  if (value === null || value === undefined) return null;
  if (serde !== undefined) return serde.serialize(value, { topic });
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new TestDriverError(`the source of topic '${topic}' has no serde, so pipe a Buffer, a string or null`);
}

function isDeadLetterTopic(name: string): boolean {
  return `-${name}` === DEAD_LETTER_TOPIC_SUFFIX;
}
