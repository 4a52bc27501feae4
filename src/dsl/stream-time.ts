import type { KeyValueStore } from '../state/key-value-store.js';
import { sideKey } from '../state/window-key-schema.js';
import type { StreamWatermark } from './stream-watermark.js';

/**
 * Where a windowed operator's stream time comes from:
 * - `record-timestamps` (Kafka Streams): the largest record timestamp the operator has seen. Simple,
 *   but when records from several upstream tasks interleave (after a repartition), which ones arrive
 *   "late" depends on that interleaving.
 * - `watermarks`: the stream watermarks flowing with the records (see `StreamWatermark`); after a
 *   repartition, the minimum over every upstream task. A window closes only when no record for it can
 *   still come, so results do not depend on timing — what exact, replayable output (CDC) needs.
 */
export type StreamTimeSource = 'record-timestamps' | 'watermarks';

/** Whether watermarks reach the operator from sibling tasks through a repartition, or from its own task. */
export type WatermarkScope = 'upstream-tasks' | 'this-task';

interface PersistedStreamTime {
  readonly time: number | null;
  readonly upstream?: ReadonlyArray<number | null>;
}

const STREAM_TIME_ENTRY = sideKey('stream-time');

/**
 * An operator's stream time, kept in a side entry of its own store and written whenever it moves, so
 * that it is committed, changelogged and restored together with the state it governs: after a crash
 * the same records are late (or not) as before it.
 */
export class StreamTime {
  private current = Number.NEGATIVE_INFINITY;
  /** Latest watermark per upstream task (input partition), with `upstream-tasks` scope. */
  private upstream: Array<number | undefined> = [];

  private constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    readonly source: StreamTimeSource,
    readonly scope: WatermarkScope,
  ) {}

  static async load(store: KeyValueStore<Buffer, Buffer>, source: StreamTimeSource, scope: WatermarkScope): Promise<StreamTime> {
    const time = new StreamTime(store, source, scope);
    const stored = await store.get(STREAM_TIME_ENTRY);
    if (stored !== undefined) {
      const parsed = JSON.parse(stored.toString('utf8')) as PersistedStreamTime;
      time.current = parsed.time ?? Number.NEGATIVE_INFINITY;
      time.upstream = (parsed.upstream ?? []).map((t) => t ?? undefined);
    }
    return time;
  }

  get value(): number {
    return this.current;
  }

  /** A record went through; with `record-timestamps`, its timestamp may move stream time. */
  observeRecord(timestamp: number): boolean {
    if (this.source !== 'record-timestamps' || !(timestamp > this.current)) return false;
    this.current = timestamp;
    this.persist();
    return true;
  }

  /** A watermark arrived; with `watermarks`, it may move stream time. Returns true when it did. */
  applyWatermark(watermark: StreamWatermark): boolean {
    if (this.source !== 'watermarks') return false;
    let candidate: number;
    let upstreamMoved = false;
    if (this.scope === 'this-task') {
      candidate = watermark.time;
    } else {
      if (this.upstream.length < watermark.partitionCount) {
        this.upstream.length = watermark.partitionCount;
        upstreamMoved = true;
      }
      const previous = this.upstream[watermark.partition];
      if (previous === undefined || watermark.time > previous) {
        this.upstream[watermark.partition] = watermark.time;
        upstreamMoved = true;
      }
      candidate = Number.POSITIVE_INFINITY;
      for (let p = 0; p < this.upstream.length; p++) {
        const time = this.upstream[p];
        if (time === undefined) {
          candidate = Number.NEGATIVE_INFINITY;
          break;
        }
        candidate = Math.min(candidate, time);
      }
    }
    const moved = candidate > this.current;
    if (moved) this.current = candidate;
    if (moved || upstreamMoved) this.persist();
    return moved;
  }

  private persist(): void {
    const state: PersistedStreamTime = {
      time: Number.isFinite(this.current) ? this.current : null,
      ...(this.scope === 'upstream-tasks' && this.source === 'watermarks' ? { upstream: Array.from(this.upstream, (t) => t ?? null) } : {}),
    };
    this.store.put(STREAM_TIME_ENTRY, Buffer.from(JSON.stringify(state), 'utf8'));
  }
}
