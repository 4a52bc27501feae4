import type { Serde, SerdeContext } from '../serde/serde.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { StoreSerdeError } from './store-errors.js';
import { decodeTimeKey, keyPrefix, orderedTime, readOrderedTime, segmentPrefix, sideKey, timeKey } from './window-key-schema.js';
import type { Windowed } from './window-store.js';
import { prefixUpperBound } from './byte-order.js';
import { defaultSegmentInterval, validateWindowStoreOptions } from './segmented-window-store.js';

export interface SessionStoreOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** How long, in stream time, a session is kept after its end; at least the inactivity gap. */
  readonly retentionMs: number;
  readonly segmentIntervalMs?: number;
}

/** The largest session end written: the store's stream time. */
const STREAM_TIME = sideKey('session-stream-time');

/**
 * Sessions per key (Kafka Streams' `SessionStore`): a session is a `Windowed` whose window is
 * `[start, end]`, both inclusive (a session of one record has start = end). Laid out like window stores
 * (window-key-schema.ts), by end: `segment(end) | key | end | start`, so a key's sessions sort by end and
 * — sessions of a key never overlap — by start too. Sessions whose end lies `retentionMs` or more behind
 * the largest end written are expired; whole segments of them are deleted.
 */
export class SegmentedSessionStore<K, V> {
  readonly name: string;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  private readonly context: SerdeContext;
  private streamTime = Number.NEGATIVE_INFINITY;
  private firstKeptSegment = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    private readonly options: SessionStoreOptions<K, V>,
  ) {
    const validated = validateWindowStoreOptions(store.name, { windowSizeMs: 1, retentionMs: Math.max(1, options.retentionMs), ...(options.segmentIntervalMs === undefined ? {} : { segmentIntervalMs: options.segmentIntervalMs }) });
    this.name = store.name;
    this.retentionMs = validated.retentionMs;
    this.segmentIntervalMs = options.segmentIntervalMs ?? defaultSegmentInterval(validated.retentionMs);
    this.context = { topic: store.name };
  }

  async init(): Promise<this> {
    const stored = await this.store.get(STREAM_TIME);
    if (stored !== undefined) this.streamTime = readOrderedTime(stored, 0);
    return this;
  }

  observedStreamTime(): number {
    return this.streamTime;
  }

  private expiredUpTo(): number {
    return this.streamTime - this.retentionMs;
  }

  private segmentOf(time: number): number {
    return Math.floor(time / this.segmentIntervalMs);
  }

  private storedKey(session: Windowed<K>): Buffer {
    const { start, end } = session.window;
    return timeKey(this.segmentOf(end), this.serializeKey(session.key), end, orderedTime(start));
  }

  /** Writes (or, with `undefined`, removes) a session. Returns false when it had expired and nothing was written. */
  put(session: Windowed<K>, value: V | undefined): boolean {
    const { end } = session.window;
    if (end <= this.expiredUpTo()) return false;
    const stored = this.storedKey(session);
    if (value === undefined) this.store.delete(stored);
    else this.store.put(stored, this.serialize(this.options.valueSerde, value, 'value'));
    if (end > this.streamTime) {
      this.streamTime = end;
      this.store.put(STREAM_TIME, orderedTime(end));
    }
    return true;
  }

  async fetchSession(key: K, start: number, end: number): Promise<V | undefined> {
    if (end <= this.expiredUpTo()) return undefined;
    const value = await this.store.get(this.storedKey({ key, window: { start, end } }));
    return value === undefined ? undefined : this.deserialize(this.options.valueSerde, value, 'value');
  }

  /**
   * The key's sessions that end at or after `earliestEnd` and start at or before `latestStart`, in
   * order: those a record at `t` merges with are `findSessions(key, t - gap, t + gap)`.
   */
  async *findSessions(key: K, earliestEnd: number, latestStart: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    await this.dropExpiredSegments();
    if (!Number.isFinite(this.streamTime)) return;
    const first = Math.max(earliestEnd, this.expiredUpTo() + 1);
    if (first > this.streamTime) return;
    const keyBytes = this.serializeKey(key);
    for (let segment = this.segmentOf(first); segment <= this.segmentOf(this.streamTime); segment++) {
      const to = prefixUpperBound(keyPrefix(segment, keyBytes))!;
      for await (const entry of this.store.range({ from: timeKey(segment, keyBytes, first), to })) {
        const decoded = decodeTimeKey(entry.key, this.name);
        const start = readOrderedTime(decoded.suffix, 0);
        if (start > latestStart) return;
        yield { key: { key, window: { start, end: decoded.time } }, value: this.deserialize(this.options.valueSerde, entry.value, 'value') };
      }
    }
  }

  /** Every session that has not expired: by segment, key bytes, end. */
  async *all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    await this.dropExpiredSegments();
    if (!Number.isFinite(this.streamTime)) return;
    const from = segmentPrefix(this.segmentOf(this.expiredUpTo() + 1));
    const to = prefixUpperBound(segmentPrefix(this.segmentOf(this.streamTime)))!;
    for await (const entry of this.store.range({ from, to })) {
      const decoded = decodeTimeKey(entry.key, this.name);
      if (decoded.time <= this.expiredUpTo()) continue;
      yield {
        key: { key: this.deserialize(this.options.keySerde, decoded.key, 'key'), window: { start: readOrderedTime(decoded.suffix, 0), end: decoded.time } },
        value: this.deserialize(this.options.valueSerde, entry.value, 'value'),
      };
    }
  }

  private async dropExpiredSegments(): Promise<void> {
    if (!Number.isFinite(this.streamTime)) return;
    const lastExpired = this.segmentOf(this.expiredUpTo() + 1) - 1;
    if (lastExpired < this.firstKeptSegment) return;
    const from = Number.isFinite(this.firstKeptSegment) ? segmentPrefix(this.firstKeptSegment) : Buffer.of(0x01);
    const to = prefixUpperBound(segmentPrefix(lastExpired))!;
    this.firstKeptSegment = lastExpired + 1;
    const doomed: Buffer[] = [];
    for await (const entry of this.store.range({ from, to })) doomed.push(entry.key);
    for (const key of doomed) this.store.delete(key);
  }

  private serializeKey(key: K): Buffer {
    return this.serialize(this.options.keySerde, key, 'key');
  }

  private serialize<T>(serde: Serde<T>, value: T, what: string): Buffer {
    try {
      return serde.serialize(value, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `serialize ${what} with ${serde.name}`, undefined, error);
    }
  }

  private deserialize<T>(serde: Serde<T>, bytes: Buffer, what: string): T {
    try {
      return serde.deserialize(bytes, this.context);
    } catch (error) {
      throw new StoreSerdeError(this.name, `deserialize ${what} with ${serde.name}`, undefined, error);
    }
  }
}
