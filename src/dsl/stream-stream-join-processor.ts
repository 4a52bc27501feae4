import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import type { SegmentedWindowStore } from '../state/segmented-window-store.js';
import { DATA_TAG, decodeTimeKey, readOrderedTime, timeKey } from '../state/window-key-schema.js';
import type { JoinWindows } from './join-windows.js';
import { StreamTime } from './stream-time.js';
import { valueListSerde } from './value-list-serde.js';
import type { WindowStoreSpec } from './window-store-spec.js';

export type StreamJoinKind = 'inner' | 'left' | 'outer';
export type JoinSide = 'this' | 'other';

/** A record on its way into the join, marked with the stream it came from. */
export interface SideValue<V1, V2> {
  readonly side: JoinSide;
  readonly value: V1 | V2;
}

export interface StreamStreamJoinOptions<K, V1, V2, VR> {
  readonly kind: StreamJoinKind;
  readonly windows: JoinWindows;
  readonly thisStore: WindowStoreSpec<K, V1[]>;
  readonly otherStore: WindowStoreSpec<K, V2[]>;
  /** Records of the outer side(s) still without a partner; left and outer joins only. */
  readonly unmatchedStore: string | undefined;
  readonly keySerde: Serde<K>;
  readonly thisValueSerde: Serde<V1>;
  readonly otherValueSerde: Serde<V2>;
  readonly joiner: (thisValue: V1 | undefined, otherValue: V2 | undefined, key: K) => VR;
}

const SIDE_BYTE: Record<JoinSide, number> = { this: 0, other: 1 };
const DATA_START = Buffer.of(DATA_TAG);
const DATA_END = Buffer.of(DATA_TAG + 1);

/**
 * Kafka Streams' `KStreamKStreamJoin`, both sides in one processor so they share one stream time (the
 * largest timestamp of either). Each record is kept in its side's window store (every record of a key
 * and timestamp, as a list) and joined with the other side's records within the join window.
 *
 * Left and outer joins do not emit "no partner" at once, which would be wrong as soon as a partner came
 * later: such a record waits in the unmatched store (`due | key | timestamp | side`, ordered by when its
 * window closes) and is emitted joined with `undefined` only once stream time passes its window's end
 * plus grace without a partner having arrived.
 */
export class StreamStreamJoinProcessor<K, V1, V2, VR> implements Processor<K, SideValue<V1, V2>, K, VR> {
  readonly metrics = { droppedLateRecords: 0, droppedNullRecords: 0 };
  private context!: ProcessorContext<K, VR>;
  private thisStore!: SegmentedWindowStore<K, V1[]>;
  private otherStore!: SegmentedWindowStore<K, V2[]>;
  private unmatched: KeyValueStore<Buffer, Buffer> | undefined;
  private time!: StreamTime;
  /** The earliest due time in the unmatched store (undefined: unknown, scan to learn it). */
  private earliestDue: number | undefined;
  private readonly thisList: Serde<V1[]>;
  private readonly otherList: Serde<V2[]>;

  constructor(private readonly options: StreamStreamJoinOptions<K, V1, V2, VR>) {
    this.thisList = valueListSerde(options.thisValueSerde);
    this.otherList = valueListSerde(options.otherValueSerde);
  }

  async init(context: ProcessorContext<K, VR>): Promise<void> {
    this.context = context;
    const thisBytes = context.getStateStore<Buffer, Buffer>(this.options.thisStore.name);
    this.thisStore = await this.options.thisStore.view(thisBytes);
    this.otherStore = await this.options.otherStore.view(context.getStateStore<Buffer, Buffer>(this.options.otherStore.name));
    this.unmatched = this.options.unmatchedStore === undefined ? undefined : context.getStateStore<Buffer, Buffer>(this.options.unmatchedStore);
    this.time = await StreamTime.load(thisBytes, 'record-timestamps', 'this-task');
  }

  async process(record: StreamRecord<K, SideValue<V1, V2>>): Promise<void> {
    const { key, timestamp } = record;
    const { side, value } = record.value;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.metrics.droppedNullRecords++;
      return;
    }
    this.time.observeRecord(timestamp);
    const { beforeMs, afterMs, graceMs } = this.options.windows;
    // How far before and after this record the other side's partners may lie.
    const before = side === 'this' ? beforeMs : afterMs;
    const after = side === 'this' ? afterMs : beforeMs;
    if (timestamp + after + graceMs < this.time.value) {
      this.metrics.droppedLateRecords++;
      return;
    }
    await this.emitUnmatched();
    const matched = side === 'this'
      ? await this.joinWith(this.thisStore, this.otherStore, key, value as V1, timestamp, before, after, (mine, theirs) => this.options.joiner(mine, theirs, key), 'other')
      : await this.joinWith(this.otherStore, this.thisStore, key, value as V2, timestamp, before, after, (mine, theirs) => this.options.joiner(theirs, mine, key), 'this');
    if (!matched && this.waitsForPartner(side)) await this.addUnmatched(side, key, value, timestamp, after);
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return { ...this.metrics };
  }

  private waitsForPartner(side: JoinSide): boolean {
    return this.unmatched !== undefined && (side === 'this' ? this.options.kind !== 'inner' : this.options.kind === 'outer');
  }

  /** Stores the record on its side and forwards a joined record per partner; true if it had any. */
  private async joinWith<VMine, VTheirs>(
    mine: SegmentedWindowStore<K, VMine[]>,
    theirs: SegmentedWindowStore<K, VTheirs[]>,
    key: K,
    value: VMine,
    timestamp: number,
    before: number,
    after: number,
    join: (mine: VMine, theirs: VTheirs) => VR,
    theirSide: JoinSide,
  ): Promise<boolean> {
    const kept = (await mine.get(key, timestamp)) ?? [];
    mine.put(key, timestamp, [...kept, value]);
    let matched = false;
    for await (const partner of theirs.fetch(key, timestamp - before, timestamp + after)) {
      matched = true;
      for (const other of partner.value) {
        this.context.forward({ key, value: join(value, other), timestamp: Math.max(timestamp, partner.windowStart), headers: {} });
      }
      // The partner found its match: it will not be emitted alone.
      if (this.waitsForPartner(theirSide)) this.unmatched!.delete(this.unmatchedKey(theirSide, key, partner.windowStart));
    }
    return matched;
  }

  private unmatchedKey(side: JoinSide, key: K, timestamp: number): Buffer {
    const { beforeMs, afterMs, graceMs } = this.options.windows;
    const due = timestamp + (side === 'this' ? afterMs : beforeMs) + graceMs + 1;
    return timeKey(due, this.options.keySerde.serialize(key, { topic: this.options.unmatchedStore! }), timestamp, Buffer.of(SIDE_BYTE[side]));
  }

  /** Same key, side and timestamp share one entry: a partner for one of them is a partner for all. */
  private async addUnmatched(side: JoinSide, key: K, value: V1 | V2, timestamp: number, after: number): Promise<void> {
    const store = this.unmatched!;
    const stored = this.unmatchedKey(side, key, timestamp);
    const context = { topic: this.options.unmatchedStore! };
    const existing = await store.get(stored);
    if (side === 'this') {
      const list = existing === undefined ? [] : this.thisList.deserialize(existing, context);
      store.put(stored, this.thisList.serialize([...list, value as V1], context));
    } else {
      const list = existing === undefined ? [] : this.otherList.deserialize(existing, context);
      store.put(stored, this.otherList.serialize([...list, value as V2], context));
    }
    const due = timestamp + after + this.options.windows.graceMs + 1;
    if (this.earliestDue !== undefined) this.earliestDue = Math.min(this.earliestDue, due);
  }

  /** Emits, in due order, every unmatched record whose window has closed, joined with `undefined`. */
  private async emitUnmatched(): Promise<void> {
    const store = this.unmatched;
    if (store === undefined || (this.earliestDue !== undefined && this.earliestDue > this.time.value)) return;
    const due: Array<{ stored: Buffer; values: Buffer }> = [];
    let earliestLeft = Number.POSITIVE_INFINITY;
    for await (const { key, value } of store.range({ from: DATA_START, to: DATA_END })) {
      const dueTime = readOrderedTime(key, 1);
      if (dueTime > this.time.value) {
        earliestLeft = dueTime;
        break;
      }
      due.push({ stored: key, values: value });
    }
    this.earliestDue = earliestLeft;
    const context = { topic: this.options.unmatchedStore! };
    for (const { stored, values } of due) {
      const decoded = decodeTimeKey(stored, this.options.unmatchedStore!);
      const key = this.options.keySerde.deserialize(decoded.key, context);
      const side: JoinSide = decoded.suffix[0] === SIDE_BYTE.this ? 'this' : 'other';
      store.delete(stored);
      if (side === 'this') {
        for (const v of this.thisList.deserialize(values, context)) this.forwardAlone(key, this.options.joiner(v, undefined, key), decoded.time);
      } else {
        for (const v of this.otherList.deserialize(values, context)) this.forwardAlone(key, this.options.joiner(undefined, v, key), decoded.time);
      }
    }
  }

  private forwardAlone(key: K, value: VR, timestamp: number): void {
    this.context.forward({ key, value, timestamp, headers: {} });
  }
}
