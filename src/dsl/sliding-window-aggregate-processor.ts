import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { SegmentedWindowStore } from '../state/segmented-window-store.js';
import type { Windowed } from '../state/window-store.js';
import type { SlidingWindows } from './sliding-windows.js';
import { StreamTime } from './stream-time.js';
import { change, type Change } from './table-change.js';
import type { WindowStoreSpec } from './window-store-spec.js';

export interface SlidingAggregateOptions<K, V, VA> {
  readonly windows: SlidingWindows;
  /** The aggregates, by window start (a window is `[start, start + timeDifference]`). */
  readonly aggregates: WindowStoreSpec<K, VA>;
  /** Every record's value, as a list per key and timestamp: windows are folded from them. */
  readonly records: WindowStoreSpec<K, V[]>;
  readonly initializer: () => VA;
  readonly aggregator: (key: K, value: V, aggregate: VA) => VA;
}

/**
 * Kafka Streams' `KStreamSlidingWindowAggregate`, by recomputation: a record at `t` is kept, then every
 * window that contains it — its own left window `[t - d, t]` (starting no earlier than 0), the windows
 * already open around it, and the right windows of the records up to `d + 1` before it — and its own
 * right window `[t + 1, t + 1 + d]` if a later record lies in it, are folded again from the records they
 * hold and forwarded. Windows whose end is at or before stream time minus grace are closed: left alone.
 * A record that can reach no open window is dropped and counted.
 */
export class SlidingWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  readonly metrics = { droppedLateRecords: 0, droppedNullRecords: 0 };
  private context!: ProcessorContext<Windowed<K>, Change<VA>>;
  private aggregates!: SegmentedWindowStore<K, VA>;
  private records!: SegmentedWindowStore<K, V[]>;
  private time!: StreamTime;

  constructor(private readonly options: SlidingAggregateOptions<K, V, VA>) {}

  async init(context: ProcessorContext<Windowed<K>, Change<VA>>): Promise<void> {
    this.context = context;
    const bytes = context.getStateStore<Buffer, Buffer>(this.options.aggregates.name);
    this.aggregates = await this.options.aggregates.view(bytes);
    this.records = await this.options.records.view(context.getStateStore<Buffer, Buffer>(this.options.records.name));
    this.time = await StreamTime.load(bytes, 'record-timestamps', 'this-task');
  }

  async process(record: StreamRecord<K, V>): Promise<void> {
    const { key, value, timestamp: t } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.metrics.droppedNullRecords++;
      return;
    }
    this.time.observeRecord(t);
    const d = this.options.windows.timeDifferenceMs;
    const closeTime = this.time.value - this.options.windows.graceMs;
    if (t + 1 + d <= closeTime) {
      this.metrics.droppedLateRecords++;
      return;
    }
    const kept = (await this.records.get(key, t)) ?? [];
    this.records.put(key, t, [...kept, value]);

    const starts = new Set<number>([Math.max(0, t - d)]);
    for await (const window of this.aggregates.fetch(key, t - d, t)) starts.add(window.windowStart);
    let later = false;
    for await (const entry of this.records.fetch(key, t - d - 1, t + d + 1)) {
      if (entry.windowStart < t) starts.add(entry.windowStart + 1);
      else if (entry.windowStart > t) later = true;
    }
    if (later && (await this.aggregates.get(key, t + 1)) === undefined) starts.add(t + 1);

    for (const start of [...starts].sort((a, b) => a - b)) {
      const end = start + d;
      if (end <= closeTime) continue;
      let aggregate = this.options.initializer();
      let latest = Number.NEGATIVE_INFINITY;
      for await (const entry of this.records.fetch(key, start, end)) {
        for (const v of entry.value) aggregate = this.options.aggregator(key, v, aggregate);
        latest = entry.windowStart;
      }
      if (!Number.isFinite(latest)) continue;
      const old = await this.aggregates.get(key, start);
      this.aggregates.put(key, start, aggregate);
      this.context.forward({ key: { key, window: { start, end } }, value: change(aggregate, old), timestamp: latest, headers: record.headers });
    }
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return { ...this.metrics };
  }
}
