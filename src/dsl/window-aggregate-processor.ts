import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { SegmentedWindowStore } from '../state/segmented-window-store.js';
import type { Windowed } from '../state/window-store.js';
import { StreamTime, type StreamTimeSource, type WatermarkScope } from './stream-time.js';
import { readStreamWatermark, streamWatermarkRecord } from './stream-watermark.js';
import { change, type Change } from './table-change.js';
import type { WindowStoreSpec } from './window-store-spec.js';
import type { TimeWindows } from './windows.js';

export interface WindowAggregateOptions<K, V, VA> {
  readonly store: WindowStoreSpec<K, VA>;
  readonly windows: TimeWindows;
  readonly streamTime: StreamTimeSource;
  readonly scope: WatermarkScope;
  readonly initializer: () => VA;
  readonly aggregator: (key: K, value: V, aggregate: VA) => VA;
}

/** Counters reported to the ops layer. */
export interface WindowAggregateMetrics {
  /** Records for windows that had closed (end + grace at or before stream time): dropped, as in Kafka Streams. */
  droppedLateRecords: number;
  /** Records with a null key or value, which aggregations skip. */
  droppedNullRecords: number;
}

/**
 * Kafka Streams' `KStreamWindowAggregate`: folds each record into every window it falls in, in a window
 * store, and forwards each window's new aggregate as a windowed table change. A record whose window has
 * closed — its end plus grace at or before stream time — is dropped and counted instead.
 *
 * With `watermarks` stream time, stream watermark control records move stream time (and go on
 * downstream as this task's watermark, for `suppress`); otherwise record timestamps do.
 */
export class WindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  readonly metrics: WindowAggregateMetrics = { droppedLateRecords: 0, droppedNullRecords: 0 };
  private context!: ProcessorContext<Windowed<K>, Change<VA>>;
  private store!: SegmentedWindowStore<K, VA>;
  private time!: StreamTime;

  constructor(private readonly options: WindowAggregateOptions<K, V, VA>) {}

  async init(context: ProcessorContext<Windowed<K>, Change<VA>>): Promise<void> {
    this.context = context;
    const bytes = context.getStateStore<Buffer, Buffer>(this.options.store.name);
    this.store = await this.options.store.view(bytes);
    this.time = await StreamTime.load(bytes, this.options.streamTime, this.options.scope);
  }

  /** The windows of a batch are read in one round trip before its records are folded in one by one. */
  prefetch(records: ReadonlyArray<StreamRecord<K, V>>): Promise<void> {
    const windows: Array<{ key: K; windowStart: number }> = [];
    for (const record of records) {
      if (record.key === null || record.key === undefined) continue;
      for (const window of this.options.windows.windowsFor(record.timestamp)) windows.push({ key: record.key, windowStart: window.start });
    }
    return this.store.prefetch(windows);
  }

  async process(record: StreamRecord<K, V>): Promise<void> {
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
      this.metrics.droppedNullRecords++;
      return;
    }
    this.time.observeRecord(record.timestamp);
    const closeTime = this.time.value - this.options.windows.graceMs;
    for (const window of this.options.windows.windowsFor(record.timestamp)) {
      if (window.end <= closeTime) {
        this.metrics.droppedLateRecords++;
        continue;
      }
      const old = await this.store.get(record.key, window.start);
      const next = this.options.aggregator(record.key, record.value, old === undefined ? this.options.initializer() : old);
      if (!this.store.put(record.key, window.start, next)) {
        // Only a retention shorter than size + grace gets here; the DSL does not allow one.
        this.metrics.droppedLateRecords++;
        continue;
      }
      this.context.forward({ key: { key: record.key, window }, value: change(next, old), timestamp: record.timestamp, headers: record.headers });
    }
  }

  processControl(record: StreamRecord<unknown, unknown>): void {
    const watermark = readStreamWatermark(record);
    if (watermark === undefined || this.time.source !== 'watermarks') {
      this.context.forwardControl(record);
      return;
    }
    if (this.time.applyWatermark(watermark)) {
      this.store.advanceStreamTime(this.time.value);
      this.context.forwardControl(
        streamWatermarkRecord({ time: this.time.value, partition: this.context.partition, partitionCount: this.context.inputPartitionCount() }),
      );
    }
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return { ...this.metrics, ...(Number.isFinite(this.time.value) ? { streamTime: this.time.value } : {}) };
  }
}
