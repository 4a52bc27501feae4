import { ConfigError } from '../../common/errors.js';
import { UnorderableEventError } from '../cdc-errors.js';
import type { SourcePosition } from '../source-position.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { createResequencerMetrics, type ResequencerMetrics } from '../cdc-metrics.js';
import type { EventTimeWatermark } from '../watermarks/event-time-watermark.js';
import type { ShardProgress } from '../watermarks/shard-progress.js';
import { UpstreamWatermarks } from '../watermarks/upstream-watermarks.js';
import type { WatermarkControl } from '../watermarks/watermark-control.js';
import { HELD_PREFIX, HELD_PREFIX_END, heldKey, heldKeyAfter, SHARD_STATE_PREFIX, shardUpperBound } from './resequencer-keys.js';
import { HeldOffsets } from './held-offsets.js';
import type {
  HeldEvent,
  HoldPolicy,
  Resequenceable,
  ResequencerOptions,
  ResequencerStores,
  ShardState,
} from './resequencer-types.js';
import { StallMonitor } from './stall-monitor.js';
import { HeldAge } from './held-age.js';
import { RecentNotes } from '../../processor/processor-notes.js';

/** Receives each released record, in order; `late` under `emit-and-flag` only. */
export type ReleaseSink<K, V> = (record: StreamRecord<K, V>, late: boolean) => void;

interface Shard {
  readonly serverId: string;
  releasedThrough: bigint;
  earlyThrough: Buffer | undefined;
  /** Highest GTID sequence held since the last release, for the stall monitor; in memory. */
  maxHeld: bigint | undefined;
  /** Held identities (hex) at `maxHeld`, when known exactly; undefined after a restart. */
  idsAtMaxHeld: Set<string> | undefined;
  stalled: boolean;
  /** Newest event time released early, for the retention of released identities. */
  newestEarly: number;
  /** Events held now, as counted by this instance since it started (for the ops layer). */
  held: number;
  /** The shard's watermark, folded in but not yet released through (releaseDue, once per batch). */
  pendingThrough: bigint | undefined;
}

/** One shard as the ops layer shows it. */
export interface ShardSummary {
  readonly serverId: string;
  /** The shard's watermark (GTID sequence and event time), undefined while some partition has passed nothing. */
  readonly watermark: { readonly gtidSequence: bigint; readonly timestamp: number } | undefined;
  readonly held: number;
  /** How long the oldest held event has waited (wall clock), undefined when nothing is held. */
  readonly oldestHeldMs: number | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Re-sorts change events across shards and partitions and drops redeliveries (docs/design.md 3.3, 3.4).
 *
 * Events wait in the held store under an order-preserving key (resequencer-keys.ts) until their
 * shard's watermark — the minimum over all upstream input partitions of the GTID sequence each has
 * passed — reaches their GTID sequence; then "shard s through W" is released with one range scan,
 * in source order. That is per-key source order because all events of one key come from one shard
 * (orders are sharded by order id). If a key's events came from two shards, their relative order
 * would be undefined: each shard's events are released by its own watermark.
 *
 * De-duplication: an event at or before its shard's watermark (or what was already released through
 * it, kept durable per shard) can only be a redelivery: dropped without a lookup. A redelivery of a
 * held event hits the same key (putIfAbsent: counted, not held twice).
 *
 * The wall-clock bound (`maxHoldMs`, checked by `checkStalls`): under `wait` a stall is only reported
 * (metrics, `onStall`); under `emit-and-flag` everything held for the stalled shard is released
 * flagged late, and each released identity is remembered (released store) until the watermark passes
 * it or it ages out of `dedupRetentionMs` of event time. A later redelivery of one is dropped; a later
 * ORIGINAL that sorts before the last early release goes out at once, flagged late — never dropped.
 *
 * The fast path (`fastPath`): an event whose per-key counter directly follows the last released one
 * for its key goes out at once (last counters per key in the counters store).
 *
 * Calls must not overlap: the task engine awaits each `accept`/`applyControl`/`checkStalls`.
 */
export class Resequencer<K, V extends Resequenceable> {
  readonly metrics: ResequencerMetrics = createResequencerMetrics();
  /** Why events were flagged late, why shards stalled: the last few, for operators. */
  readonly notes = new RecentNotes();
  private readonly heldAge = new HeldAge();
  private readonly upstream = new UpstreamWatermarks();
  private readonly shards = new Map<string, Shard>();
  /** Input offsets of the held events: the task's commit must not pass the first (the held store has no changelog). */
  private readonly heldOffsets = new HeldOffsets();
  private readonly policy: HoldPolicy;
  private readonly stallMonitor: StallMonitor | undefined;
  private readonly retentionMs: number;
  private timeWatermark = -Infinity;
  /** A control moved the upstream watermarks since the last releaseDue: shards may be pending, the event-time watermark may move. */
  private foldedSinceRelease = false;

  constructor(
    private readonly stores: ResequencerStores<K, V>,
    private readonly options: ResequencerOptions<V>,
    private readonly release: ReleaseSink<K, V>,
    private readonly clock: () => number = Date.now,
  ) {
    this.policy = options.policy ?? 'wait';
    if (this.policy === 'emit-and-flag' && stores.released === undefined) {
      throw new ConfigError("resequencer: policy 'emit-and-flag' needs a store for released identities");
    }
    if (options.fastPath !== undefined && stores.counters === undefined) {
      throw new ConfigError('resequencer: the fast path needs a store for the last released counter per key');
    }
    if (options.maxHoldMs !== undefined && !(options.maxHoldMs > 0)) {
      throw new ConfigError(`resequencer: maxHoldMs must be positive, got ${options.maxHoldMs}`);
    }
    this.stallMonitor = options.maxHoldMs === undefined ? undefined : new StallMonitor(options.maxHoldMs);
    this.retentionMs = options.dedupRetentionMs ?? DAY_MS;
  }

  /**
   * Loads the durable per-shard state and takes stock of the held store; call once before anything
   * else. The held store has no changelog, so after a crash it may be behind the shards store: events
   * it holds at or below their shard's `releasedThrough` were released since, and are deleted here.
   * Those still held are read again from the input (the commit stayed at or before them); the copy
   * kept here then counts as the held one and the re-read one as a redelivery.
   */
  async init(): Promise<void> {
    for await (const { value } of this.stores.shards.all()) this.loadShard(value);
    // Versions before the shards store kept these rows in the held store.
    const legacy: Buffer[] = [];
    for await (const { key, value } of this.stores.held.prefixScan(SHARD_STATE_PREFIX)) {
      legacy.push(key);
      if (value.kind === 'shard' && !this.shards.has(value.serverId)) this.persist(this.loadShard(value));
    }
    for (const key of legacy) this.stores.held.delete(key);
    const stale: Buffer[] = [];
    const now = this.clock();
    for await (const { key, value } of this.stores.held.range({ from: HELD_PREFIX, to: HELD_PREFIX_END })) {
      if (value.kind !== 'held') continue;
      const source = value.value.source;
      const shard = this.shardOf(source.serverId);
      if (source.gtidSequence <= shard.releasedThrough) {
        stale.push(key);
        continue;
      }
      shard.held++;
      this.metrics.eventsHeld++;
      if (value.offset !== undefined) this.heldOffsets.add(value.offset);
      if (shard.maxHeld === undefined || source.gtidSequence > shard.maxHeld) shard.maxHeld = source.gtidSequence;
    }
    for (const key of stale) this.stores.held.delete(key);
    for (const shard of this.shards.values()) if (shard.maxHeld !== undefined) this.heldAge.heldNewer(shard.serverId, shard.maxHeld, now);
  }

  /**
   * The first input offset that must be read again after a crash for every held event to come back
   * (at or before the oldest held one); undefined when nothing is held. The processor keeps the task's
   * committed offset there.
   */
  heldFromOffset(): number | undefined {
    return this.heldOffsets.first();
  }

  /**
   * Reads what `accept` may look up for these records — their held identities (is this a redelivery
   * of a held event?), released identities and counters — with one round trip per store, instead of
   * one per record: events of one shard reach a task from several partitions, so most are not newer
   * than everything held and would each need a read.
   */
  async prefetch(records: ReadonlyArray<StreamRecord<K, V>>): Promise<void> {
    const ids: Buffer[] = [];
    const keys: K[] = [];
    for (const record of records) {
      const source = record.value.source;
      const shard = this.shards.get(source.serverId);
      if (shard !== undefined && source.gtidSequence <= shard.releasedThrough) continue;
      const id = tryHeldKey(source);
      if (id !== undefined) ids.push(id);
      keys.push(record.key);
    }
    const released = this.stores.released;
    let earlyReleases = false;
    for (const shard of this.shards.values()) if (shard.earlyThrough !== undefined) earlyReleases = true;
    await Promise.all([
      this.stores.held.prefetch(ids),
      released !== undefined && earlyReleases ? released.prefetch(ids) : undefined,
      this.options.fastPath !== undefined ? this.stores.counters?.prefetch(keys) : undefined,
    ]);
  }

  /** `offset`: the record's offset in the input partition, kept with the held event (see heldFromOffset). */
  async accept(record: StreamRecord<K, V>, offset?: number): Promise<void> {
    const source = record.value.source;
    const shard = this.shardOf(source.serverId);
    const pending = shard.pendingThrough;
    if (pending !== undefined && source.gtidSequence <= pending) {
      // A watermark folded in this batch covers the record: release through it first, as if applied at once.
      shard.pendingThrough = undefined;
      await this.advance(shard, pending);
    }
    // Releases keep releasedThrough at or above every watermark applied before this record: the one check.
    if (source.gtidSequence <= shard.releasedThrough) {
      this.metrics.duplicatesDropped++;
      return;
    }
    const id = heldKey(source);
    const released = this.stores.released;
    if (released !== undefined && shard.earlyThrough !== undefined) {
      if ((await released.get(id)) !== undefined) {
        this.metrics.duplicatesDropped++;
        return;
      }
      if (Buffer.compare(id, shard.earlyThrough) < 0) {
        released.put(id, source.timestamp);
        this.emit(record, true);
        this.notes.add({
          at: this.clock(),
          kind: 'late',
          message: `key ${String(record.key)} (shard ${source.serverId}, GTID ${source.gtid}) arrived after later events of its shard were released early: emitted flagged late`,
        });
        return;
      }
    }
    if (this.options.fastPath !== undefined && (await this.tryFastPath(record))) return;
    const held: HeldEvent<K, V> =
      offset === undefined
        ? { kind: 'held', key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers }
        : { kind: 'held', key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers, offset };
    // The held store is keyed by identity, so a repeated put could only overwrite the same event; the
    // read only tells a redelivery apart for the count. An event newer than everything held for its
    // shard — the usual case — cannot be one, and skips that RocksDB round trip.
    const hex = id.toString('hex');
    const newer = shard.maxHeld === undefined || source.gtidSequence > shard.maxHeld;
    const knownAtMax = !newer && source.gtidSequence === shard.maxHeld && shard.idsAtMaxHeld !== undefined;
    if (newer || (knownAtMax && !shard.idsAtMaxHeld!.has(hex))) {
      this.stores.held.put(id, held);
    } else if ((knownAtMax && shard.idsAtMaxHeld!.has(hex)) || (await this.stores.held.putIfAbsent(id, held)) !== undefined) {
      this.metrics.duplicatesDropped++;
      return;
    }
    this.metrics.eventsHeld++;
    shard.held++;
    if (offset !== undefined) this.heldOffsets.add(offset);
    if (newer) {
      this.heldAge.heldNewer(shard.serverId, source.gtidSequence, this.clock());
      shard.maxHeld = source.gtidSequence;
      shard.idsAtMaxHeld = new Set([hex]);
    } else if (source.gtidSequence === shard.maxHeld) {
      shard.idsAtMaxHeld?.add(hex);
    }
  }

  /**
   * Folds in one upstream partition's progress and releases what the watermarks now allow. Returns
   * the event-time watermark to pass downstream when it moved.
   */
  async applyControl(control: WatermarkControl): Promise<EventTimeWatermark | undefined> {
    this.foldControl(control);
    return this.releaseDue();
  }

  /**
   * Folds in one upstream partition's progress without releasing: a batch of the repartition topic
   * carries a control record from every upstream task, and one release scan per shard at the end of the
   * batch (releaseDue) costs less than one per control record. A record the folded watermark already
   * covers releases its shard first (accept), so each record meets the state every control before it left.
   */
  foldControl(control: WatermarkControl): void {
    if (!this.upstream.apply(control)) return;
    for (const serverId of this.upstream.shards()) {
      const watermark = this.upstream.shardWatermark(serverId);
      const lag = this.upstream.lag(serverId);
      if (lag !== undefined) this.metrics.watermarkLag.set(serverId, { gtidSequence: lag.gtidSequence, timeMs: lag.timeMs });
      if (watermark === undefined) continue;
      const shard = this.shardOf(serverId);
      if (watermark.gtidSequence > shard.releasedThrough) shard.pendingThrough = watermark.gtidSequence;
    }
    this.foldedSinceRelease = true;
  }

  /** Releases what the folded watermarks allow; returns the event-time watermark to pass downstream when it moved. */
  async releaseDue(): Promise<EventTimeWatermark | undefined> {
    // Most batches carry no control record: then nothing moved, and nothing is computed.
    if (!this.foldedSinceRelease) return undefined;
    this.foldedSinceRelease = false;
    for (const shard of this.shards.values()) {
      const through = shard.pendingThrough;
      if (through === undefined) continue;
      shard.pendingThrough = undefined;
      if (through > shard.releasedThrough) await this.advance(shard, through);
    }
    return this.nextTimeWatermark();
  }

  /** The wall-clock bound; call periodically (the processor schedules it). */
  async checkStalls(now: number): Promise<void> {
    const monitor = this.stallMonitor;
    if (monitor === undefined) return;
    let stalled = 0;
    for (const shard of this.shards.values()) {
      const watermark = this.upstream.shardWatermark(shard.serverId)?.gtidSequence;
      const waited = monitor.check(shard.serverId, shard.maxHeld, shard.releasedThrough, now);
      if (!monitor.isStalled(waited)) {
        shard.stalled = false;
      } else {
        if (!shard.stalled) {
          shard.stalled = true;
          this.metrics.stalls++;
          this.options.onStall?.({ serverId: shard.serverId, waitedMs: waited ?? 0, watermark, policy: this.policy });
          if (this.policy === 'wait') {
            this.notes.add({ at: now, kind: 'stall', message: `shard ${shard.serverId}: held events waited ${waited ?? 0} ms for the watermark (${shard.held} held); policy wait: still holding` });
          }
        }
        if (this.policy === 'emit-and-flag') {
          const before = this.metrics.eventsReleasedLate;
          await this.releaseEarly(shard);
          this.notes.add({
            at: now,
            kind: 'late',
            message: `shard ${shard.serverId}: held events waited ${waited ?? 0} ms for the watermark; released ${this.metrics.eventsReleasedLate - before} early, flagged late`,
          });
          monitor.forget(shard.serverId);
          shard.stalled = false;
        }
      }
      if (shard.stalled) stalled++;
      if (shard.earlyThrough !== undefined) await this.expireReleased(shard);
    }
    this.metrics.stalledShards = stalled;
  }

  /** Each shard's watermark, held count and oldest held age, computed when asked (for the ops layer). */
  shardSummaries(): ShardSummary[] {
    const now = this.clock();
    const summaries: ShardSummary[] = [];
    for (const serverId of this.knownShards()) {
      const watermark = this.upstream.shardWatermark(serverId);
      summaries.push({
        serverId,
        watermark: watermark === undefined ? undefined : { gtidSequence: watermark.gtidSequence, timestamp: watermark.timestamp },
        held: this.shards.get(serverId)?.held ?? 0,
        oldestHeldMs: this.heldAge.oldestMs(serverId, now),
      });
    }
    return summaries;
  }

  private async tryFastPath(record: StreamRecord<K, V>): Promise<boolean> {
    const fastPath = this.options.fastPath;
    const counters = this.stores.counters;
    if (fastPath === undefined || counters === undefined) return false;
    const counter = fastPath.counter(record.value);
    if (counter === undefined) return false;
    const last = await counters.get(record.key);
    const lastCounter = last === undefined ? undefined : BigInt(last);
    if (lastCounter !== undefined && counter <= lastCounter) {
      this.metrics.duplicatesDropped++;
      return true;
    }
    const follows = lastCounter === undefined ? counter === fastPath.first : counter === lastCounter + 1n;
    if (!follows) return false;
    counters.put(record.key, counter.toString());
    this.metrics.fastPathReleased++;
    this.emit(record, false);
    return true;
  }

  /** Releases the shard's held events through `through`, in source order, and makes that durable. */
  private async advance(shard: Shard, through: bigint): Promise<void> {
    const from = releasedBound(shard);
    const to = heldKeyAfter(shard.serverId, through);
    // Nothing held for the shard (every held key is at or below maxHeld): no scan, no RocksDB iterator.
    if (shard.maxHeld !== undefined) await this.releaseRange(shard, from, to, false);
    shard.releasedThrough = through;
    this.heldAge.releasedThrough(shard.serverId, through);
    if (shard.maxHeld !== undefined && shard.maxHeld <= through) {
      shard.maxHeld = undefined;
      shard.idsAtMaxHeld = undefined;
    }
    const released = this.stores.released;
    if (released !== undefined && shard.earlyThrough !== undefined) {
      // At or before the watermark a redelivery is dropped without a lookup: those identities are done.
      await deleteRange(released, from, to);
      if (Buffer.compare(shard.earlyThrough, to) < 0) shard.earlyThrough = undefined;
    }
    this.persist(shard);
  }

  private async releaseEarly(shard: Shard): Promise<void> {
    const last = await this.releaseRange(shard, releasedBound(shard), shardUpperBound(shard.serverId), true);
    this.heldAge.releasedAll(shard.serverId);
    shard.maxHeld = undefined;
    shard.idsAtMaxHeld = undefined;
    if (last !== undefined && (shard.earlyThrough === undefined || Buffer.compare(last, shard.earlyThrough) > 0)) {
      shard.earlyThrough = last;
      this.persist(shard);
    }
  }

  /** Emits and deletes held events of the shard in [from, to); returns the last key released. */
  private async releaseRange(shard: Shard, from: Buffer, to: Buffer, late: boolean): Promise<Buffer | undefined> {
    const done: Buffer[] = [];
    const released = late ? this.stores.released : undefined;
    for await (const { key, value } of this.stores.held.range({ from, to })) {
      if (value.kind !== 'held') continue;
      done.push(key);
      if (value.offset !== undefined) this.heldOffsets.remove(value.offset);
      if (this.metrics.eventsHeld > 0) this.metrics.eventsHeld--;
      if (shard.held > 0) shard.held--;
      const record: StreamRecord<K, V> = { key: value.key, value: value.value, timestamp: value.timestamp, headers: value.headers };
      if (this.options.fastPath !== undefined && (await this.alreadyReleasedByCounter(record))) continue;
      if (released !== undefined) {
        released.put(key, value.value.source.timestamp);
        shard.newestEarly = Math.max(shard.newestEarly, value.value.source.timestamp);
      }
      this.emit(record, late);
    }
    // Deleted after the scan: no store implementation has to keep an iterator valid across deletes.
    for (const key of done) this.stores.held.delete(key);
    return done[done.length - 1];
  }

  private async alreadyReleasedByCounter(record: StreamRecord<K, V>): Promise<boolean> {
    const counter = this.options.fastPath?.counter(record.value);
    const counters = this.stores.counters;
    if (counter === undefined || counters === undefined) return false;
    const last = await counters.get(record.key);
    if (last !== undefined && counter <= BigInt(last)) {
      this.metrics.duplicatesDropped++;
      return true;
    }
    counters.put(record.key, counter.toString());
    return false;
  }

  /** Retention in event time: identities older than the newest early release minus the retention go. */
  private async expireReleased(shard: Shard): Promise<void> {
    const released = this.stores.released;
    if (released === undefined || shard.newestEarly === -Infinity) return;
    const cutoff = shard.newestEarly - this.retentionMs;
    const expired: Buffer[] = [];
    // Event time grows with the binlog, so the oldest identities come first; stop at the first young one.
    for await (const { key, value } of released.range({ from: releasedBound(shard), to: shardUpperBound(shard.serverId) })) {
      if (value >= cutoff) break;
      expired.push(key);
    }
    for (const key of expired) released.delete(key);
  }

  private emit(record: StreamRecord<K, V>, late: boolean): void {
    this.metrics.eventsReleased++;
    if (late) this.metrics.eventsReleasedLate++;
    this.release(record, late);
  }

  private nextTimeWatermark(): EventTimeWatermark | undefined {
    let time = Infinity;
    const shards: ShardProgress[] = [];
    for (const serverId of this.knownShards()) {
      const watermark = this.upstream.shardWatermark(serverId);
      if (watermark === undefined) return undefined;
      time = Math.min(time, watermark.timestamp);
      shards.push({ serverId, gtidSequence: watermark.gtidSequence, timestamp: watermark.timestamp });
    }
    if (shards.length === 0 || time - 1 <= this.timeWatermark) return undefined;
    this.timeWatermark = time - 1;
    return { type: 'event-time-watermark', timeWatermark: this.timeWatermark, shards };
  }

  private *knownShards(): IterableIterator<string> {
    yield* this.shards.keys();
    for (const serverId of this.upstream.shards()) if (!this.shards.has(serverId)) yield serverId;
  }

  private shardOf(serverId: string): Shard {
    const shard = this.shards.get(serverId);
    if (shard !== undefined) return shard;
    const created = this.newShard(serverId);
    this.persist(created);
    return created;
  }

  private newShard(serverId: string): Shard {
    const shard: Shard = {
      serverId,
      releasedThrough: -1n,
      earlyThrough: undefined,
      maxHeld: undefined,
      idsAtMaxHeld: undefined,
      stalled: false,
      newestEarly: -Infinity,
      held: 0,
      pendingThrough: undefined,
    };
    this.shards.set(serverId, shard);
    return shard;
  }

  private loadShard(state: ShardState): Shard {
    const shard = this.newShard(state.serverId);
    shard.releasedThrough = BigInt(state.releasedThrough);
    shard.earlyThrough = state.earlyThrough === undefined ? undefined : Buffer.from(state.earlyThrough, 'hex');
    return shard;
  }

  private persist(shard: Shard): void {
    const state: ShardState = {
      kind: 'shard',
      serverId: shard.serverId,
      releasedThrough: shard.releasedThrough.toString(),
      earlyThrough: shard.earlyThrough?.toString('hex'),
    };
    this.stores.shards.put(shard.serverId, state);
  }
}

/**
 * Where the shard's held events (and released identities) begin: nothing at or below `releasedThrough`
 * is ever kept (accept drops it, init deletes what a crash left). Scans start here, not at the shard's
 * prefix: the events released before are deletes that RocksDB keeps as tombstones until a compaction
 * drops them, and a scan from the prefix would step over every one of them, again at every release.
 */
function releasedBound(shard: Shard): Buffer {
  return heldKeyAfter(shard.serverId, shard.releasedThrough);
}

async function deleteRange<V>(store: KeyValueStore<Buffer, V>, from: Buffer, to: Buffer): Promise<void> {
  const keys: Buffer[] = [];
  for await (const { key } of store.range({ from, to })) keys.push(key);
  for (const key of keys) store.delete(key);
}

/** The held key, or undefined for a position no key can hold: `accept` reports that at the record's turn. */
function tryHeldKey(position: Pick<SourcePosition, 'serverId' | 'gtidSequence' | 'position' | 'rowIndex'>): Buffer | undefined {
  try {
    return heldKey(position);
  } catch (error) {
    if (error instanceof UnorderableEventError) return undefined;
    throw error;
  }
}
