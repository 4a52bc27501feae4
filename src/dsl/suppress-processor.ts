import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { Serde, SerdeContext } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { StoreSerdeError } from '../state/store-errors.js';
import { DATA_TAG, decodeTimeKey, orderedTime, readOrderedTime, TIME_BYTES, timeKey } from '../state/window-key-schema.js';
import type { Windowed } from '../state/window-store.js';
import { StreamTime, type StreamTimeSource } from './stream-time.js';
import { readStreamWatermark, streamWatermarkRecord } from './stream-watermark.js';
import { change, type Change } from './table-change.js';

export interface SuppressOptions<K, V> {
  readonly storeName: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly graceMs: number;
  readonly streamTime: StreamTimeSource;
}

const DATA_START = Buffer.of(DATA_TAG);
const DATA_END = Buffer.of(DATA_TAG + 1);

/**
 * `suppress(untilWindowCloses)`: keeps the latest update of each window in a store, ordered by window
 * end (stored key `end | key | start`, window-key-schema.ts; value `timestamp | value`), and forwards a
 * window's final value once — when stream time reaches its end plus grace. The buffer and the stream
 * time are ordinary store entries, so they are committed, changelogged and restored with the rest.
 *
 * Evicting needs a scan only when a window may be due: the earliest buffered end is remembered after
 * each scan and lowered by new entries (unknown after a restart, so the first record scans).
 */
export class SuppressProcessor<K, V> implements Processor<Windowed<K>, Change<V>, Windowed<K>, Change<V>> {
  private context!: ProcessorContext<Windowed<K>, Change<V>>;
  private buffer!: KeyValueStore<Buffer, Buffer>;
  private time!: StreamTime;
  private earliestEnd: number | undefined;
  private readonly serdeContext: SerdeContext;
  emitted = 0;

  constructor(private readonly options: SuppressOptions<K, V>) {
    this.serdeContext = { topic: options.storeName };
  }

  async init(context: ProcessorContext<Windowed<K>, Change<V>>): Promise<void> {
    this.context = context;
    this.buffer = context.getStateStore<Buffer, Buffer>(this.options.storeName);
    // The windowed aggregate before it re-sends its task's watermark, so there is one sender: this task.
    this.time = await StreamTime.load(this.buffer, this.options.streamTime, 'this-task');
  }

  async process(record: StreamRecord<Windowed<K>, Change<V>>): Promise<void> {
    const { key: windowed, value } = record;
    this.time.observeRecord(record.timestamp);
    const keyBytes = this.serialize(this.options.keySerde, windowed.key, undefined, 'key');
    const stored = timeKey(windowed.window.end, keyBytes, windowed.window.start);
    if (value.newValue === undefined) {
      this.buffer.delete(stored);
    } else {
      const valueBytes = this.serialize(this.options.valueSerde, value.newValue, keyBytes, 'value');
      const entry = Buffer.allocUnsafe(TIME_BYTES + valueBytes.length);
      orderedTime(record.timestamp).copy(entry, 0);
      valueBytes.copy(entry, TIME_BYTES);
      this.buffer.put(stored, entry);
      if (this.earliestEnd !== undefined) this.earliestEnd = Math.min(this.earliestEnd, windowed.window.end);
    }
    await this.evict();
  }

  async processControl(record: StreamRecord<unknown, unknown>): Promise<void> {
    const watermark = readStreamWatermark(record);
    if (watermark === undefined || this.time.source !== 'watermarks') {
      this.context.forwardControl(record);
      return;
    }
    if (!this.time.applyWatermark(watermark)) return;
    await this.evict();
    this.context.forwardControl(
      streamWatermarkRecord({ time: this.time.value, partition: this.context.partition, partitionCount: this.context.inputPartitionCount() }),
    );
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return { windowsEmitted: this.emitted, ...(Number.isFinite(this.time.value) ? { streamTime: this.time.value } : {}) };
  }

  /** Forwards, in window-end order, every buffered window that has closed, and removes it. */
  private async evict(): Promise<void> {
    const closeTime = this.time.value - this.options.graceMs;
    if (!Number.isFinite(closeTime) || (this.earliestEnd !== undefined && this.earliestEnd > closeTime)) return;
    const due: Array<{ stored: Buffer; entry: Buffer }> = [];
    let earliestLeft = Number.POSITIVE_INFINITY;
    for await (const { key, value } of this.buffer.range({ from: DATA_START, to: DATA_END })) {
      const end = readOrderedTime(key, 1);
      if (end > closeTime) {
        earliestLeft = end;
        break;
      }
      due.push({ stored: key, entry: value });
    }
    this.earliestEnd = earliestLeft;
    for (const { stored, entry } of due) {
      const decoded = decodeTimeKey(stored, this.options.storeName);
      const window = { start: decoded.time, end: decoded.segment };
      const key = this.deserialize(this.options.keySerde, decoded.key, decoded.key, 'key');
      const value = this.deserialize(this.options.valueSerde, entry.subarray(TIME_BYTES), decoded.key, 'value');
      this.buffer.delete(stored);
      this.emitted++;
      this.context.forward({ key: { key, window }, value: change(value, undefined), timestamp: readOrderedTime(entry, 0), headers: {} });
    }
  }

  private serialize<T>(serde: Serde<T>, value: T, keyBytes: Buffer | undefined, what: string): Buffer {
    try {
      return serde.serialize(value, this.serdeContext);
    } catch (error) {
      throw new StoreSerdeError(this.options.storeName, `serialize ${what} with ${serde.name}`, keyBytes, error);
    }
  }

  private deserialize<T>(serde: Serde<T>, bytes: Buffer, keyBytes: Buffer, what: string): T {
    try {
      return serde.deserialize(bytes, this.serdeContext);
    } catch (error) {
      throw new StoreSerdeError(this.options.storeName, `deserialize ${what} with ${serde.name}`, keyBytes, error);
    }
  }
}
