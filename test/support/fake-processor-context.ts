import type { Cancellable, PunctuationType, Punctuator } from '../../src/processor/punctuation.js';
import type { InputPartitionsReading, ProcessorContext } from '../../src/processor/processor-context.js';
import type { RecordMetadata, StreamRecord } from '../../src/processor/stream-record.js';
import type { KeyValueStore } from '../../src/state/key-value-store.js';

interface Scheduled {
  readonly intervalMs: number;
  readonly type: PunctuationType;
  readonly punctuator: Punctuator;
  cancelled: boolean;
}

/**
 * A ProcessorContext for unit tests: records what a processor forwards, holds and schedules, and lets
 * the test set the record metadata, the wall clock and fire punctuations by hand.
 */
export class FakeProcessorContext<KOut, VOut> implements ProcessorContext<KOut, VOut> {
  readonly applicationId = 'test-app';
  readonly forwarded: Array<{ record: StreamRecord<KOut, VOut>; childName: string | undefined }> = [];
  readonly controls: Array<StreamRecord<unknown, unknown>> = [];
  /** Everything forwarded, data and control, in order. */
  readonly output: Array<{ kind: 'data'; record: StreamRecord<KOut, VOut> } | { kind: 'control'; record: StreamRecord<unknown, unknown> }> = [];
  heldOffset: string | undefined;
  commitRequests = 0;
  metadata: RecordMetadata | undefined;
  systemTime = 0;
  partitionCount = 1;
  /** See InputPartitionsReading; by default every reading is current (as in memory). */
  countRead = Number.MAX_SAFE_INTEGER;
  readsStarted = 0;
  /** What groupRebalances() answers: raise it to act out a rebalance. */
  rebalances = 0;
  private readonly scheduled: Scheduled[] = [];
  private readonly stores = new Map<string, KeyValueStore<unknown, unknown>>();

  constructor(
    readonly partition = 0,
    readonly nodeName = 'node',
    readonly taskId = `0_${partition}`,
  ) {}

  addStore<K, V>(store: KeyValueStore<K, V>): this {
    this.stores.set(store.name, store as unknown as KeyValueStore<unknown, unknown>);
    return this;
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.metadata;
  }

  forward(record: StreamRecord<KOut, VOut>, childName?: string): void {
    this.forwarded.push({ record, childName });
    this.output.push({ kind: 'data', record });
  }

  forwardControl(record: StreamRecord<unknown, unknown>): void {
    this.controls.push(record);
    this.output.push({ kind: 'control', record });
  }

  getStateStore<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.stores.get(name);
    if (store === undefined) throw new Error(`no store '${name}' connected to ${this.nodeName}`);
    return store as unknown as KeyValueStore<K, V>;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    const entry: Scheduled = { intervalMs, type, punctuator, cancelled: false };
    this.scheduled.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  }

  /** Fires every live punctuation of `type` once, at the current system time. */
  async punctuate(type: PunctuationType = 'wall-clock'): Promise<void> {
    for (const entry of this.scheduled) {
      if (!entry.cancelled && entry.type === type) await entry.punctuator(this.systemTime);
    }
  }

  /** Fires only the live punctuations of `type` scheduled every `intervalMs`, once. */
  async punctuateEvery(intervalMs: number, type: PunctuationType = 'wall-clock'): Promise<void> {
    for (const entry of this.scheduled) {
      if (!entry.cancelled && entry.type === type && entry.intervalMs === intervalMs) await entry.punctuator(this.systemTime);
    }
  }

  scheduledIntervals(type: PunctuationType): number[] {
    return this.scheduled.filter((s) => !s.cancelled && s.type === type).map((s) => s.intervalMs);
  }

  currentStreamTime(): number {
    return -Infinity;
  }

  currentSystemTime(): number {
    return this.systemTime;
  }

  holdCommittableOffset(offset: string | undefined): void {
    this.heldOffset = offset;
  }

  requestCommit(): void {
    this.commitRequests++;
  }

  inputPartitionCount(): number {
    return this.partitionCount;
  }

  inputPartitions(): InputPartitionsReading {
    return { count: this.partitionCount, countRead: this.countRead, readsStarted: this.readsStarted };
  }

  groupRebalances(): number {
    return this.rebalances;
  }
}
