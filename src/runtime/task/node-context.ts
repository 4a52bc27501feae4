import type { Cancellable, PunctuationType, Punctuator } from '../../processor/punctuation.js';
import type { InputPartitionsReading, ProcessorContext } from '../../processor/processor-context.js';
import type { RecordMetadata, StreamRecord } from '../../processor/stream-record.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { CdcStreamsError } from '../../common/errors.js';
import type { RuntimeNode } from './runtime-node.js';
import { UnknownStoreError } from './task-errors.js';

/** What a node's context needs from its task. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  currentRecord(): RecordMetadata | undefined;
  store(name: string): KeyValueStore<unknown, unknown> | undefined;
  schedule(node: RuntimeNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  streamTime(): number;
  systemTime(): number;
  hold(nodeName: string, offset: string | undefined): void;
  requestCommit(): void;
  inputPartitions(): InputPartitionsReading;
  groupRebalances(): number;
}

export class UnknownChildError extends CdcStreamsError {
  constructor(nodeName: string, childName: string) {
    super(`node '${nodeName}' forwarded to child '${childName}', which is not one of its children`, { code: 'UNKNOWN_CHILD' });
  }
}

export class NodeContext implements ProcessorContext<unknown, unknown> {
  constructor(
    private readonly node: RuntimeNode,
    private readonly task: TaskServices,
    private readonly storeNames: readonly string[],
  ) {}

  get applicationId(): string {
    return this.task.applicationId;
  }

  get taskId(): string {
    return this.task.taskId;
  }

  get partition(): number {
    return this.task.partition;
  }

  get nodeName(): string {
    return this.node.name;
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.task.currentRecord();
  }

  forward(record: StreamRecord<unknown, unknown>, childName?: string): void {
    this.node.enqueue(record, this.resolveChild(childName), false);
  }

  forwardControl(record: StreamRecord<unknown, unknown>): void {
    this.node.enqueue(record, undefined, true);
  }

  getStateStore<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.storeNames.includes(name) ? this.task.store(name) : undefined;
    if (store === undefined) throw new UnknownStoreError(this.node.name, name);
    return store as KeyValueStore<K, V>;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.task.schedule(this.node, intervalMs, type, punctuator);
  }

  currentStreamTime(): number {
    return this.task.streamTime();
  }

  currentSystemTime(): number {
    return this.task.systemTime();
  }

  holdCommittableOffset(offset: string | undefined): void {
    this.task.hold(this.node.name, offset);
  }

  requestCommit(): void {
    this.task.requestCommit();
  }

  inputPartitionCount(): number {
    return this.task.inputPartitions().count;
  }

  inputPartitions(): InputPartitionsReading {
    return this.task.inputPartitions();
  }

  groupRebalances(): number {
    return this.task.groupRebalances();
  }

  private resolveChild(childName: string | undefined): RuntimeNode | undefined {
    if (childName === undefined) return undefined;
    const child = this.node.child(childName);
    if (child === undefined) throw new UnknownChildError(this.node.name, childName);
    return child;
  }
}
