import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { SegmentedSessionStore, type SessionStoreOptions } from '../state/segmented-session-store.js';
import type { KeyValue } from '../state/key-value-store.js';
import type { Windowed } from '../state/window-store.js';
import { StreamTime } from './stream-time.js';
import { change, type Change } from './table-change.js';
import type { SessionWindows } from './session-windows.js';

export interface SessionAggregateOptions<K, V, VA> {
  readonly storeName: string;
  readonly store: SessionStoreOptions<K, VA>;
  readonly windows: SessionWindows;
  readonly initializer: () => VA;
  readonly aggregator: (key: K, value: V, aggregate: VA) => VA;
  /** Combines the aggregates of two sessions a record bridges. */
  readonly merger: (key: K, left: VA, right: VA) => VA;
}

export function openSessionStore<K, V>(store: KeyValueStore<Buffer, Buffer>, options: SessionStoreOptions<K, V>): Promise<SegmentedSessionStore<K, V>> {
  return new SegmentedSessionStore<K, V>(store, options).init();
}

/**
 * Kafka Streams' `KStreamSessionWindowAggregate`: a record at `t` merges every session of its key within
 * the inactivity gap (ending at or after `t - gap`, starting at or before `t + gap`) into one. The
 * sessions it replaces are removed and forwarded as deletes, then the merged session's aggregate. A
 * record whose merged session ends before stream time minus grace is late: dropped and counted.
 */
export class SessionWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  readonly metrics = { droppedLateRecords: 0, droppedNullRecords: 0 };
  private context!: ProcessorContext<Windowed<K>, Change<VA>>;
  private store!: SegmentedSessionStore<K, VA>;
  private time!: StreamTime;

  constructor(private readonly options: SessionAggregateOptions<K, V, VA>) {}

  async init(context: ProcessorContext<Windowed<K>, Change<VA>>): Promise<void> {
    this.context = context;
    const bytes = context.getStateStore<Buffer, Buffer>(this.options.storeName);
    this.store = await openSessionStore(bytes, this.options.store);
    this.time = await StreamTime.load(bytes, 'record-timestamps', 'this-task');
  }

  async process(record: StreamRecord<K, V>): Promise<void> {
    const { key, value, timestamp } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.metrics.droppedNullRecords++;
      return;
    }
    this.time.observeRecord(timestamp);
    const { inactivityGapMs, graceMs } = this.options.windows;
    const merged: Array<KeyValue<Windowed<K>, VA>> = [];
    let start = timestamp;
    let end = timestamp;
    let aggregate = this.options.initializer();
    for await (const session of this.store.findSessions(key, timestamp - inactivityGapMs, timestamp + inactivityGapMs)) {
      merged.push(session);
      aggregate = this.options.merger(key, aggregate, session.value);
      start = Math.min(start, session.key.window.start);
      end = Math.max(end, session.key.window.end);
    }
    if (end < this.time.value - graceMs) {
      this.metrics.droppedLateRecords++;
      return;
    }
    for (const session of merged) {
      this.store.put(session.key, undefined);
      this.context.forward({ key: session.key, value: change<VA>(undefined, session.value), timestamp: session.key.window.end, headers: record.headers });
    }
    aggregate = this.options.aggregator(key, value, aggregate);
    const window = { start, end };
    this.store.put({ key, window }, aggregate);
    this.context.forward({ key: { key, window }, value: change<VA>(aggregate, undefined), timestamp: end, headers: record.headers });
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return { ...this.metrics };
  }
}
