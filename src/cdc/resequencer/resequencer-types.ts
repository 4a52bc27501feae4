import type { Headers } from '../../common/headers.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import type { SourcePosition } from '../source-position.js';

/** A value the resequencer can order: ChangeEvent fits. */
export interface Resequenceable {
  readonly source: SourcePosition & { readonly timestamp: number };
}

/** A record waiting in the held store for its shard's watermark. */
export interface HeldEvent<K, V> {
  readonly kind: 'held';
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;
  /**
   * Offset of the record in the resequencer's input partition, so the task's committed offset can
   * stay at or before it (the held store has no changelog); undefined for events held by a version
   * that did not keep it, or by a caller that gives none.
   */
  readonly offset?: number;
}

/**
 * Per-shard bookkeeping, durable in the shards store (changelogged) so a restart keeps de-duplicating:
 * `releasedThrough` (decimal GTID sequence, '-1' for none) is the watermark everything was released
 * through; `earlyThrough` (hex held key) the last event released early under `emit-and-flag`. Versions
 * before the shards store kept these rows in the held store, where `init` still finds them.
 */
export interface ShardState {
  readonly kind: 'shard';
  readonly serverId: string;
  readonly releasedThrough: string;
  readonly earlyThrough: string | undefined;
}

export type ResequencerEntry<K, V> = HeldEvent<K, V> | ShardState;

export type HoldPolicy = 'wait' | 'emit-and-flag';

export interface FastPathOptions<V> {
  /**
   * The per-key contiguous counter of an event (e.g. `orders.version`), or undefined for an event
   * without one (it then waits for the watermark). Only for streams where EVERY event of a key carries
   * the counter: a key whose events also come from rows without it (payments joined to orders) could
   * see a row released before an earlier row of the same transaction.
   */
  readonly counter: (value: V) => bigint | undefined;
  /** The counter of a key's first event; without it, a key's first event waits for the watermark. */
  readonly first?: bigint;
}

export interface StallReport {
  readonly serverId: string;
  readonly waitedMs: number;
  /** The shard's watermark, undefined while some partition has passed nothing. */
  readonly watermark: bigint | undefined;
  readonly policy: HoldPolicy;
}

export interface ResequencerStores<K, V> {
  /** Held events; no changelog needed: what it held after a crash is read again from the input. */
  readonly held: KeyValueStore<Buffer, ResequencerEntry<K, V>>;
  /** Per-shard state by serverId; must be changelogged. */
  readonly shards: KeyValueStore<string, ShardState>;
  /** Identities released early (value: event time), for `emit-and-flag`. */
  readonly released?: KeyValueStore<Buffer, number>;
  /** Last released counter per key (decimal), for the fast path. */
  readonly counters?: KeyValueStore<K, string>;
}

export interface ResequencerOptions<V> {
  readonly policy?: HoldPolicy;
  /** The wall-clock bound; undefined: hold until the watermark, however long. */
  readonly maxHoldMs?: number;
  /** How long (event time, behind the newest early-released event) released identities are kept. Default 24 h. */
  readonly dedupRetentionMs?: number;
  readonly fastPath?: FastPathOptions<V>;
  readonly onStall?: (report: StallReport) => void;
}
