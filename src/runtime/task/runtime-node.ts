import type { Processor } from '../../processor/processor.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import type { NodeDefinition } from '../../topology/node-definitions.js';
import { RecordProcessingError } from './task-errors.js';

type AnyRecord = StreamRecord<unknown, unknown>;

interface Forwarded {
  readonly record: AnyRecord;
  readonly child: RuntimeNode | undefined;
  readonly control: boolean;
}

/**
 * A node of a running task. Records a processor forwards are queued on its node and delivered to the
 * children, in order, once the processor's `process` (or punctuator) has finished — so processors never
 * await `forward`, and a chain of synchronous processors runs without allocating a promise.
 */
export class RuntimeNode {
  readonly children: RuntimeNode[] = [];
  private readonly prefetchingChildren: RuntimeNode[] = [];
  private readonly childrenByName = new Map<string, RuntimeNode>();
  private queue: Forwarded[] = [];

  constructor(
    readonly definition: NodeDefinition,
    readonly processor: Processor<unknown, unknown, unknown, unknown>,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  addChild(child: RuntimeNode): void {
    this.children.push(child);
    if (child.processor.prefetch !== undefined) this.prefetchingChildren.push(child);
    this.childrenByName.set(child.name, child);
  }

  child(name: string): RuntimeNode | undefined {
    return this.childrenByName.get(name);
  }

  /** Drops forwards left behind by a record whose processing failed, so they never leak into the next one. */
  discardQueued(): void {
    this.queue = [];
  }

  enqueue(record: AnyRecord, child: RuntimeNode | undefined, control: boolean): void {
    this.queue.push({ record, child, control });
  }

  /** Processes one record (or control record) here, then delivers whatever it forwarded. */
  run(record: AnyRecord, control: boolean): Promise<void> | undefined {
    let pending: void | Promise<void> = undefined;
    try {
      if (!control) pending = this.processor.process(record);
      else if (this.processor.processControl !== undefined) pending = this.processor.processControl(record);
      else this.enqueue(record, undefined, true);
    } catch (error) {
      throw this.attribute(error);
    }
    if (pending !== undefined) {
      return pending.then(
        () => this.deliverQueued(),
        (error: unknown) => {
          throw this.attribute(error);
        },
      );
    }
    return this.deliverQueued();
  }

  /** Names the node an error came from, once (errors from children keep the child's name). */
  attribute(error: unknown): unknown {
    return error instanceof RecordProcessingError ? error : new RecordProcessingError(undefined, this.name, error);
  }

  /** Delivers queued forwards depth-first; turns asynchronous only when a child returns a promise. */
  deliverQueued(): Promise<void> | undefined {
    if (this.queue.length === 0) return undefined;
    const items = this.queue;
    this.queue = [];
    if (items.length > 1 && this.prefetchingChildren.length > 0) {
      const prefetching = this.prefetchFor(items);
      if (prefetching !== undefined) return prefetching.then(() => this.deliverRest(items, 0));
    }
    for (let i = 0; i < items.length; i++) {
      const pending = this.deliverOne(items[i]!, 0);
      if (pending !== undefined) return pending.then(() => this.deliverRest(items, i + 1));
    }
    return undefined;
  }

  /** True when some child wants to see batches of records before processing them. */
  get hasPrefetchingChildren(): boolean {
    return this.prefetchingChildren.length > 0;
  }

  /**
   * Lets every child that prefetches see `records`, which this node is about to pass to all its
   * children (a source node's deserialized batch); all children read at once.
   */
  prefetchChildren(records: readonly AnyRecord[]): Promise<unknown> | undefined {
    return this.prefetchEach(() => records);
  }

  /** Lets each child that prefetches see the queued records about to reach it. */
  private prefetchFor(items: readonly Forwarded[]): Promise<unknown> | undefined {
    return this.prefetchEach((child) => {
      const records: AnyRecord[] = [];
      for (const item of items) if (!item.control && (item.child === undefined || item.child === child)) records.push(item.record);
      return records;
    });
  }

  private prefetchEach(recordsFor: (child: RuntimeNode) => readonly AnyRecord[]): Promise<unknown> | undefined {
    let pending: Array<Promise<void>> | undefined;
    for (const child of this.prefetchingChildren) {
      const records = recordsFor(child);
      if (records.length < 2) continue;
      let result: void | Promise<void>;
      try {
        result = child.processor.prefetch!(records);
      } catch (error) {
        throw child.attribute(error);
      }
      if (result !== undefined) {
        (pending ??= []).push(
          result.catch((error: unknown) => {
            throw child.attribute(error);
          }),
        );
      }
    }
    return pending === undefined ? undefined : Promise.all(pending);
  }

  private async deliverRest(items: readonly Forwarded[], from: number): Promise<void> {
    for (let i = from; i < items.length; i++) {
      const pending = this.deliverOne(items[i]!, 0);
      if (pending !== undefined) await pending;
    }
  }

  private deliverOne(item: Forwarded, fromChild: number): Promise<void> | undefined {
    if (item.child !== undefined) return item.child.run(item.record, item.control);
    for (let c = fromChild; c < this.children.length; c++) {
      const pending = this.children[c]!.run(item.record, item.control);
      if (pending !== undefined) return pending.then(() => this.deliverOne(item, c + 1));
    }
    return undefined;
  }
}
