import { randomUUID } from 'node:crypto';
import { CHUNK_HEADER, CONTROL_HEADER, WRITER_HEADER } from '../../common/constants.js';
import { deadLetterHeaders } from '../../common/dead-letter-headers.js';
import type { Cancellable, PunctuationType, Punctuator } from '../../processor/punctuation.js';
import type { Processor } from '../../processor/processor.js';
import type { InputPartitionsReading } from '../../processor/processor-context.js';
import type { ProcessorNote } from '../../processor/processor-notes.js';
import type { RecordMetadata, StreamRecord } from '../../processor/stream-record.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import type { SourceNodeDefinition } from '../../topology/node-definitions.js';
import type { SubTopology } from '../../topology/sub-topology.js';
import { physicalTopicName } from '../../topology/topic-ref.js';
import type { Topology } from '../../topology/topology.js';
import type { InputRecord, OutputRecord } from './input-record.js';
import type { ManagedStore } from './managed-store.js';
import { NodeContext, type TaskServices } from './node-context.js';
import { PunctuationSchedule } from './punctuation-schedule.js';
import type { RecordCollector } from './record-collector.js';
import { RuntimeNode } from './runtime-node.js';
import { SinkProcessor } from './sink-processor.js';
import { SourceProcessor } from './source-processor.js';
import {
  classOf,
  messageOf,
  RecordDeserializationError,
  RecordProcessingError,
  UnknownStoreError,
  type ErrorPolicies,
} from './task-errors.js';
import { decode, deserializeAndPrefetch, NOTHING_AHEAD, type TaskSource } from './batch-prefetch.js';
import {
  ChangelogChunkIndex,
  ChangelogPieceStash,
  CHUNK_INDEX_METADATA,
  changelogRecordsFor,
  type ChangelogRecordIn,
  type ChangelogRecordOut,
} from './changelog-chunks.js';
import { ChunkAssembler, type AbandonReason } from './chunk-assembler.js';
import { parseChunkHeader } from './record-chunks.js';
import { OffsetHolds } from './offset-holds.js';
import { changelogOffsetMetadata } from '../../state/store-metadata.js';
import type { PreparedCommit } from './task-port.js';
import { TaskOutput } from './task-output.js';
import { TaskStateMachine, type TaskState } from './task-state.js';
import type { TaskObserver } from './task-observer.js';

export interface StreamTaskOptions {
  readonly applicationId: string;
  readonly topology: Topology;
  readonly subTopology: SubTopology;
  readonly partition: number;
  readonly collector: RecordCollector;
  /** The task's stores, opened (and restored) by the host. */
  readonly stores: ReadonlyMap<string, ManagedStore>;
  readonly clock: () => number;
  readonly errorPolicies: ErrorPolicies;
  readonly deadLetterTopic: string;
  /** Partition count of the task's input topic(s) now, with how fresh it is. */
  readonly inputPartitions: () => InputPartitionsReading;
  /** Task assignments the instance has applied (ProcessorContext.groupRebalances); 0 when absent. */
  readonly groupRebalances?: () => number;
  /** A group of record pieces with no new piece for this long is abandoned (default 5 minutes). */
  readonly maxChunkGroupOpenMs?: number;
  /** Told when a group of record pieces is abandoned (its writer was cut off; it writes the record again). */
  readonly onChunkGroupAbandoned?: (event: { taskId: string; topic: string; writer: string; firstOffset: string; reason: AbandonReason }) => void;
  /** Hears lifecycle transitions and dead letters (the runtime's history for operators). */
  readonly observer?: TaskObserver;
  /** Read-only views of the instance's global stores, shared by every task (runtime/global-stores.ts). */
  readonly globalStores?: ReadonlyMap<string, KeyValueStore<unknown, unknown>>;
}

const DEFAULT_MAX_CHUNK_GROUP_OPEN_MS = 5 * 60_000;

/** Per changelogged store: which keys are chunked in the changelog, and pieces read during restore. */
interface StoreChunks {
  readonly index: ChangelogChunkIndex;
  stash: ChangelogPieceStash | undefined;
  /** Pieces a crash cut off from their manifest, found at restore: tombstoned at the next commit. */
  unclaimed: Buffer[];
}

/** The pseudo node under which a task reports its own counters (record pieces, oversize records). */
export const TASK_METRICS_NODE = '(task)';

export function taskIdOf(subTopologyId: number, partition: number): string {
  return `${subTopologyId}_${partition}`;
}

export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** One store of a task as a restorer sees it: where to resume, and how to apply what it read. */
export interface ChangelogRestoreTarget {
  changelogOffset(): Promise<string | undefined>;
  restore(records: readonly ChangelogRecordIn[], nextOffset: string): Promise<void>;
}

/** A store write in the changelog, with the store it belongs to. */
export interface ChangelogWrite extends OutputRecord {
  readonly store: string;
}

/** Internal topics that a source of the topology reads: records too big for them are cut into pieces. */
function topicsReadByTasks(topology: Topology, applicationId: string): Set<string> {
  const topics = new Set<string>();
  for (const node of topology.nodes.values()) {
    if (node.kind === 'sink' && node.topic.internal && topology.sourceFor(node.topic) !== undefined) {
      topics.add(physicalTopicName(node.topic, applicationId));
    }
  }
  return topics;
}

/**
 * Runs the records of one partition (per input topic of its sub-topology) through the graph: the
 * Kafka-free heart shared by the TopologyTestDriver and the Kafka runtime. It never talks to Kafka:
 * output goes to a RecordCollector, and committing is driven from outside (see `CommitProtocol`).
 */
export class StreamTask implements TaskServices {
  readonly taskId: string;
  private readonly lifecycle: TaskStateMachine;
  private readonly nodes = new Map<string, RuntimeNode>();
  private readonly sourceByTopic = new Map<string, TaskSource>();
  private readonly schedule_ = new PunctuationSchedule();
  private holds: OffsetHolds = new OffsetHolds([]);
  /** Next offset to read, per input topic, after what has been processed. */
  private readonly nextOffsets = new Map<string, bigint>();
  private current: RecordMetadata | undefined;
  private streamTime_ = Number.NEGATIVE_INFINITY;
  private commitRequested = false;
  private processedSinceCommit = 0;
  /**
   * A punctuator forwarded or wrote something since the last commit: it must be committed even when no
   * input arrived (as Kafka Streams commits after a punctuation). Otherwise an idle task's output — a
   * restarted CDC source re-announcing its progress — stays in an uncommitted transaction (exactly_once)
   * or in the producer's buffer (at_least_once), and whatever waits for it downstream waits forever.
   * A punctuation that did nothing leaves the task clean: an idle exactly_once application would
   * otherwise commit a transaction per task every commit interval.
   */
  private punctuatedSinceCommit = false;
  /** Some source node has a child that prefetches: batches are then deserialized ahead. */
  private prefetchingSources = false;
  /** What the task writes, made to fit each topic's size limit. */
  readonly output: TaskOutput;
  /** Joins records that arrived in pieces, per input topic (created at the first piece). */
  private readonly assemblers = new Map<string, ChunkAssembler>();
  private readonly storeChunks = new Map<string, StoreChunks>();

  private constructor(private readonly options: StreamTaskOptions) {
    this.taskId = taskIdOf(options.subTopology.id, options.partition);
    const observer = options.observer;
    this.lifecycle = new TaskStateMachine(this.taskId, observer && ((from, to) => observer.taskStateChanged(this.taskId, from, to)));
    this.output = new TaskOutput({
      collector: options.collector,
      writer: `${this.taskId}.${randomUUID().slice(0, 8)}`,
      chunkedTopics: topicsReadByTasks(options.topology, options.applicationId),
      deadLetterTopic: options.deadLetterTopic,
      currentInput: () => this.current,
      ...(observer === undefined ? {} : { onDeadLetter: (record: OutputRecord) => observer.deadLettered(this.taskId, record) }),
    });
  }

  /** Builds the nodes of the sub-topology; `initializeProcessors()` follows once the stores are restored. */
  static async create(options: StreamTaskOptions): Promise<StreamTask> {
    const task = new StreamTask(options);
    await task.initialize();
    return task;
  }

  get applicationId(): string {
    return this.options.applicationId;
  }

  get partition(): number {
    return this.options.partition;
  }

  get state(): TaskState {
    return this.lifecycle.state;
  }

  get subTopologyId(): number {
    return this.options.subTopology.id;
  }

  /** Physical names of the topics this task reads. */
  inputTopics(): string[] {
    return [...this.sourceByTopic.keys()];
  }

  transitionTo(state: TaskState): void {
    this.lifecycle.transitionTo(state);
  }

  // ---- TaskServices (what node contexts use) ----

  currentRecord(): RecordMetadata | undefined {
    return this.current;
  }

  store(name: string): KeyValueStore<unknown, unknown> | undefined {
    return this.options.stores.get(name) ?? this.options.globalStores?.get(name);
  }

  /** Metrics of the processors that report any, by node name. */
  processorMetrics(): Record<string, Readonly<Record<string, number>>> {
    const result: Record<string, Readonly<Record<string, number>>> = {};
    for (const node of this.nodes.values()) {
      const metrics = node.processor.reportMetrics?.();
      if (metrics !== undefined) result[node.name] = metrics;
    }
    const task: Record<string, number> = { ...this.output.metrics };
    for (const assembler of this.assemblers.values()) {
      for (const [name, value] of Object.entries(assembler.metrics)) task[name] = (task[name] ?? 0) + value;
    }
    result[TASK_METRICS_NODE] = task;
    return result;
  }

  /** Notes of the processors that keep any (e.g. why events went out late), by node name; empty lists left out. */
  processorNotes(): Record<string, readonly ProcessorNote[]> {
    const result: Record<string, readonly ProcessorNote[]> = {};
    for (const node of this.nodes.values()) {
      const notes = node.processor.recentNotes?.();
      if (notes !== undefined && notes.length > 0) result[node.name] = notes;
    }
    return result;
  }

  /** Names of the task's stores. */
  storeNames(): string[] {
    return [...this.options.stores.keys()];
  }

  /** A store with the engine-facing methods (flush, restore), for the host. */
  managedStore(name: string): ManagedStore | undefined {
    return this.options.stores.get(name);
  }

  schedule(node: RuntimeNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    const now = type === 'stream-time' ? this.streamTime_ : this.options.clock();
    return this.schedule_.add(node, type, intervalMs, punctuator, now);
  }

  streamTime(): number {
    return this.streamTime_;
  }

  systemTime(): number {
    return this.options.clock();
  }

  hold(nodeName: string, offset: string | undefined): void {
    this.holds.set(nodeName, this.current?.topic, offset);
  }

  requestCommit(): void {
    this.commitRequested = true;
  }

  inputPartitions(): InputPartitionsReading {
    return this.options.inputPartitions();
  }

  groupRebalances(): number {
    return this.options.groupRebalances?.() ?? 0;
  }

  // ---- processing ----

  /** Processes records of this task's partition in offset order. */
  async process(input: readonly InputRecord[]): Promise<void> {
    const batch = this.joinPieces(input);
    await this.prepareSerdes(batch);
    const ahead = this.prefetchingSources ? await deserializeAndPrefetch(batch, this.sourceByTopic) : NOTHING_AHEAD;
    for (let i = 0; i < batch.length; i++) {
      const input = batch[i]!;
      const source = this.sourceByTopic.get(input.topic);
      if (source === undefined) throw new Error(`task ${this.taskId} received a record of topic '${input.topic}', which it does not read`);
      this.current = { topic: input.topic, partition: input.partition, offset: input.offset };
      if (input.timestamp > this.streamTime_) this.streamTime_ = input.timestamp;
      const control = input.headers[CONTROL_HEADER] !== undefined;
      const record = control ? this.controlRecord(input) : i < ahead.count ? ahead.records[i] : this.deserialize(input, source.definition);
      if (record !== undefined) {
        try {
          const pending = source.node.run(record, control);
          if (pending !== undefined) await pending;
        } catch (error) {
          for (const node of this.nodes.values()) node.discardQueued();
          this.onProcessingError(input, error);
        }
      }
      this.processedSinceCommit++;
      this.current = undefined;
      if (this.schedule_.hasDue('stream-time', this.streamTime_)) await this.punctuate('stream-time', this.streamTime_);
    }
    // Every input record was consumed, pieces of unfinished records included: their assembler holds
    // the commit at the first piece instead.
    for (let i = 0; i < input.length; i++) {
      const record = input[i]!;
      if (input[i + 1]?.topic !== record.topic) this.nextOffsets.set(record.topic, BigInt(record.offset) + 1n);
    }
    await this.endBatch();
  }

  /**
   * Replaces the pieces of records cut to fit a repartition topic by the joined records, each at the
   * place of its last piece (docs/runtime.md, "Records bigger than a Kafka message"). Batches without
   * pieces, control records of a writer with an open group, or open groups pass through untouched.
   */
  private joinPieces(input: readonly InputRecord[]): readonly InputRecord[] {
    let pieces = this.assemblers.size > 0;
    if (!pieces) for (const record of input) if (record.headers[CHUNK_HEADER] !== undefined) pieces = true;
    if (!pieces) return input;
    const now = this.options.clock();
    const joined: InputRecord[] = [];
    for (const record of input) {
      const chunk = record.headers[CHUNK_HEADER];
      const writer = record.headers[WRITER_HEADER];
      if (chunk === undefined) {
        if (writer !== undefined) this.assembler(record.topic).writerMovedOn(String(writer));
        joined.push(record);
        continue;
      }
      let header;
      try {
        header = parseChunkHeader(chunk, record);
      } catch (error) {
        const wrapped = new RecordDeserializationError(record, this.sourceByTopic.get(record.topic)?.definition.name ?? record.topic, error);
        if (this.options.errorPolicies.deserialization === 'fail') throw wrapped;
        this.sendToDeadLetter(record, wrapped);
        continue;
      }
      const whole = this.assembler(record.topic).accept(record, header, now);
      if (whole !== undefined) joined.push(whole);
    }
    for (const assembler of this.assemblers.values()) assembler.expire(now);
    return joined;
  }

  private assembler(topic: string): ChunkAssembler {
    let assembler = this.assemblers.get(topic);
    if (assembler === undefined) {
      assembler = new ChunkAssembler(this.options.maxChunkGroupOpenMs ?? DEFAULT_MAX_CHUNK_GROUP_OPEN_MS, (writer, firstOffset, reason) =>
        this.options.onChunkGroupAbandoned?.({ taskId: this.taskId, topic, writer, firstOffset, reason }),
      );
      this.assemblers.set(topic, assembler);
    }
    return assembler;
  }

  /** Lets processors emit what they coalesce per batch; nodes in graph order, so upstream goes first. */
  private async endBatch(): Promise<void> {
    for (const node of this.nodes.values()) {
      if (node.processor.onBatchEnd === undefined) continue;
      try {
        const pending = node.processor.onBatchEnd();
        if (pending !== undefined) await pending;
        const delivered = node.deliverQueued();
        if (delivered !== undefined) await delivered;
      } catch (error) {
        throw new RecordProcessingError(undefined, node.name, error);
      }
    }
  }

  /** Fires wall-clock punctuations that are due now; returns how many fired. */
  async punctuateWallClock(now = this.options.clock()): Promise<number> {
    return this.punctuate('wall-clock', now);
  }

  // ---- commit support (driven by CommitProtocol) ----

  /** True when a processor asked for a commit or a store buffer is full. */
  wantsCommit(): boolean {
    if (this.commitRequested) return true;
    for (const store of this.options.stores.values()) if (store.needsFlush()) return true;
    return false;
  }

  hasUncommittedWork(): boolean {
    return this.processedSinceCommit > 0 || this.commitRequested || this.punctuatedSinceCommit;
  }

  /** The offsets to commit per input topic: after what was processed, but never past a processor's hold. */
  committableOffsets(): Map<string, string> {
    const result = new Map<string, string>();
    for (const [topic, next] of this.nextOffsets) {
      const lowestHold = this.holds.lowest(topic);
      let offset = lowestHold !== undefined && lowestHold < next ? lowestHold : next;
      const pieces = this.assemblers.get(topic)?.holdOffset();
      if (pieces !== undefined && BigInt(pieces) < offset) offset = BigInt(pieces);
      result.set(topic, String(offset));
    }
    return result;
  }

  /**
   * Changelog records for everything the stores buffered since the last commit, each fitting its
   * changelog topic: a value too big becomes pieces and a manifest (changelog-chunks.ts).
   */
  changelogRecords(): ChangelogWrite[] {
    const records: ChangelogWrite[] = [];
    const timestamp = Number.isFinite(this.streamTime_) ? this.streamTime_ : this.options.clock();
    const out: ChangelogRecordOut[] = [];
    for (const [name, store] of this.options.stores) {
      const chunks = this.storeChunks.get(name);
      if (chunks === undefined) continue;
      const topic = changelogTopicName(this.options.applicationId, name);
      out.length = 0;
      for (const key of chunks.unclaimed) out.push({ key, value: null, headers: {} });
      chunks.unclaimed = [];
      changelogRecordsFor(name, store.pendingWrites(), chunks.index, this.options.collector.maxRecordBytes(topic), out);
      for (const write of out) {
        records.push({ store: name, topic, partition: this.options.partition, key: write.key, value: write.value, timestamp, headers: write.headers });
      }
    }
    return records;
  }

  /** Step 1 of a commit (CommitProtocol): the stores' buffers as changelog records, and the input offsets. */
  prepareCommit(): PreparedCommit {
    return { changelog: this.changelogRecords(), offsets: this.committableOffsets() };
  }

  /** Step 4 of a commit: each store writes its buffer with the next changelog offset it now covers. */
  completeCommit(nextChangelogOffsets: ReadonlyMap<string, string>): Promise<void> {
    return this.flushStores((store) => {
      const offset = nextChangelogOffsets.get(store);
      return offset === undefined ? undefined : changelogOffsetMetadata(offset);
    });
  }

  /** Estimated entries and bytes per store. */
  async storeSizes(): Promise<Array<{ store: string; entries: number; bytes: number }>> {
    const sizes = [];
    for (const [store, managed] of this.options.stores) {
      sizes.push({ store, entries: await managed.approximateNumEntries(), bytes: await managed.approximateSizeBytes() });
    }
    return sizes;
  }

  /** Writes each store's buffer to disk with its metadata (e.g. the changelog offset it now covers). */
  async flushStores(metadata: (store: string) => ReadonlyMap<string, Buffer> | undefined): Promise<void> {
    // Each store writes its own atomic batch (data and the changelog offset it covers), so the batches
    // need no order: issued together they overlap on libuv's pool, instead of a round trip per store.
    const flushes: Promise<void>[] = [];
    for (const [name, store] of this.options.stores) flushes.push(store.flush(this.withChunkIndex(name, metadata(name))));
    await Promise.all(flushes);
    this.commitRequested = false;
    this.processedSinceCommit = 0;
    this.punctuatedSinceCommit = false;
  }

  /** The next changelog offset to restore a store from, or undefined if it never checkpointed. */
  async changelogOffset(storeName: string): Promise<string | undefined> {
    return this.requireStore(storeName).changelogOffset();
  }

  /**
   * Applies changelog records read back from the store's changelog (log order) with the next offset
   * to read, as one atomic write; pieces of chunked values are joined first.
   */
  async restoreChangelog(storeName: string, records: readonly ChangelogRecordIn[], nextOffset: string): Promise<void> {
    const store = this.requireStore(storeName);
    const chunks = this.storeChunks.get(storeName);
    if (chunks === undefined) throw new Error(`task ${this.taskId}: store '${storeName}' has no changelog to restore from`);
    chunks.stash ??= new ChangelogPieceStash(storeName);
    const writes = chunks.stash.apply(records, chunks.index);
    await store.restore(writes, nextOffset, this.withChunkIndex(storeName, undefined));
  }

  /** What a restorer needs to bring one of the task's changelogged stores up to date. */
  restoreTarget(storeName: string): ChangelogRestoreTarget {
    return {
      changelogOffset: () => this.changelogOffset(storeName),
      restore: (records, nextOffset) => this.restoreChangelog(storeName, records, nextOffset),
    };
  }

  /** Restore is over: pieces that no manifest claimed are tombstoned at the next commit. */
  finishRestore(): void {
    for (const chunks of this.storeChunks.values()) {
      if (chunks.stash === undefined) continue;
      chunks.unclaimed.push(...chunks.stash.unclaimedPieces());
      chunks.stash = undefined;
      if (chunks.unclaimed.length > 0) this.commitRequested = true;
    }
  }

  private withChunkIndex(storeName: string, metadata: ReadonlyMap<string, Buffer> | undefined): ReadonlyMap<string, Buffer> | undefined {
    const changed = this.storeChunks.get(storeName)?.index.takeChanges();
    if (changed === undefined) return metadata;
    const merged = new Map(metadata ?? []);
    merged.set(CHUNK_INDEX_METADATA, changed);
    return merged;
  }

  private requireStore(storeName: string): ManagedStore {
    const store = this.options.stores.get(storeName);
    if (store === undefined) throw new UnknownStoreError(this.taskId, storeName);
    return store;
  }

  /** Closes processors and stores. Commit first: unflushed store writes are dropped. */
  async close(): Promise<void> {
    if (this.lifecycle.state === 'CLOSED') return;
    let firstError: unknown;
    for (const node of this.nodes.values()) {
      try {
        const pending = node.processor.close?.();
        if (pending !== undefined) await pending;
      } catch (error) {
        firstError ??= new RecordProcessingError(undefined, node.name, error);
      }
    }
    for (const store of this.options.stores.values()) {
      try {
        await store.close();
      } catch (error) {
        firstError ??= error;
      }
    }
    this.lifecycle.transitionTo('CLOSED');
    if (firstError !== undefined) throw firstError;
  }

  // ---- internals ----

  private async initialize(): Promise<void> {
    const { topology, subTopology, applicationId } = this.options;
    for (const [name, store] of this.options.stores) {
      if (!topology.stores.get(name)?.changelog) continue;
      const index = ChangelogChunkIndex.decode(name, await store.metadata(CHUNK_INDEX_METADATA));
      this.storeChunks.set(name, { index, stash: undefined, unclaimed: [] });
    }
    for (const name of subTopology.nodeNames) {
      const definition = topology.node(name)!;
      let processor: Processor<unknown, unknown, unknown, unknown>;
      if (definition.kind === 'source') processor = new SourceProcessor();
      else if (definition.kind === 'sink') {
        const feedsDownstream = definition.topic.internal && topology.sourceFor(definition.topic) !== undefined;
        processor = new SinkProcessor(definition, physicalTopicName(definition.topic, applicationId), this.output, feedsDownstream);
      }
      else processor = definition.supplier();
      const node = new RuntimeNode(definition, processor);
      this.nodes.set(name, node);
      if (definition.kind === 'source') {
        for (const topic of definition.topics) this.sourceByTopic.set(physicalTopicName(topic, applicationId), { node, definition });
      }
    }
    for (const name of subTopology.nodeNames) {
      for (const child of topology.childrenOf(name)) this.nodes.get(name)!.addChild(this.nodes.get(child)!);
    }
    for (const { node } of this.sourceByTopic.values()) if (node.hasPrefetchingChildren) this.prefetchingSources = true;
    this.holds = new OffsetHolds([...this.sourceByTopic.keys()]);
    // Serdes that talk to a schema registry register or look up their schema once, before any record.
    for (const node of this.nodes.values()) {
      const d = node.definition;
      if (d.kind === 'processor') continue;
      const topics = d.kind === 'source' ? d.topics : [d.topic];
      for (const topic of topics) {
        const name = physicalTopicName(topic, applicationId);
        await d.keySerde?.init?.(name);
        await d.valueSerde?.init?.(name);
      }
    }
  }

  /**
   * Initializes the processors. The host calls it after the stores were restored from their changelogs
   * (processors may read their stores in `init`, e.g. the resequencer's per-shard state), before the
   * first record.
   */
  async initializeProcessors(): Promise<void> {
    for (const node of this.nodes.values()) {
      const stores = node.definition.kind === 'processor' ? node.definition.stores : [];
      const pending = node.processor.init?.(new NodeContext(node, this, stores));
      if (pending !== undefined) await pending;
    }
  }

  private async prepareSerdes(batch: readonly InputRecord[]): Promise<void> {
    for (const [topic, source] of this.sourceByTopic) {
      const { keySerde, valueSerde } = source.definition;
      if (keySerde?.prepare === undefined && valueSerde?.prepare === undefined) continue;
      const records = batch.filter((r) => r.topic === topic && r.headers[CONTROL_HEADER] === undefined);
      if (records.length === 0) continue;
      if (keySerde?.prepare !== undefined) await keySerde.prepare(records.flatMap((r) => (r.key === null ? [] : [r.key])), topic);
      if (valueSerde?.prepare !== undefined) await valueSerde.prepare(records.flatMap((r) => (r.value === null ? [] : [r.value])), topic);
    }
  }

  private controlRecord(input: InputRecord): StreamRecord<unknown, unknown> {
    return { key: null, value: input.value, timestamp: input.timestamp, headers: input.headers };
  }

  private deserialize(input: InputRecord, source: SourceNodeDefinition): StreamRecord<unknown, unknown> | undefined {
    try {
      return decode(input, source);
    } catch (error) {
      const wrapped = new RecordDeserializationError(input, source.name, error);
      if (this.options.errorPolicies.deserialization === 'fail') throw wrapped;
      this.sendToDeadLetter(input, wrapped);
      return undefined;
    }
  }

  private onProcessingError(input: InputRecord, error: unknown): void {
    const nodeName = error instanceof RecordProcessingError ? error.nodeName : 'graph';
    const cause = error instanceof RecordProcessingError ? error.cause : error;
    const wrapped = new RecordProcessingError(input, nodeName, cause);
    if (this.options.errorPolicies.processing === 'fail') throw wrapped;
    this.sendToDeadLetter(input, wrapped);
  }

  private sendToDeadLetter(input: InputRecord, error: unknown): void {
    const topic = this.options.deadLetterTopic;
    const count = this.output.partitionCount(topic);
    this.output.send({
      topic,
      partition: input.partition % count,
      key: input.key,
      value: input.value,
      timestamp: input.timestamp,
      headers: deadLetterHeaders(
        input.headers,
        input,
        classOf(error instanceof Error && error.cause !== undefined ? error.cause : error),
        messageOf(error),
      ),
    });
  }

  private anyStoreWritten(): boolean {
    for (const store of this.options.stores.values()) if (store.hasPendingWrites()) return true;
    return false;
  }

  private async punctuate(type: PunctuationType, now: number): Promise<number> {
    const due = this.schedule_.due(type, now);
    for (const entry of due) {
      if (entry.cancelled) continue;
      const sentBefore = this.output.recordsSent;
      try {
        const pending = entry.punctuator(now);
        if (pending !== undefined) await pending;
        const delivered = entry.node.deliverQueued();
        if (delivered !== undefined) await delivered;
      } catch (error) {
        this.punctuatedSinceCommit = true;
        throw new RecordProcessingError(undefined, entry.node.name, error);
      }
      if (this.output.recordsSent !== sentBefore || this.anyStoreWritten()) this.punctuatedSinceCommit = true;
    }
    return due.length;
  }
}

