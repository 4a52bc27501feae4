/**
 * Plain counters and gauges of the CDC state machines. They are mutable numbers on purpose: the hot
 * path bumps a field, and the ops layer reads (and exports) them whenever it scrapes.
 */
export interface ReassemblyMetrics {
  /** Gauge: pieces of the open group held in memory. */
  piecesPending: number;
  /** Gauge: bytes of the open group held in memory. */
  bytesPending: number;
  groupsCompleted: number;
  groupsAbandoned: number;
  /** Raw messages handed back for the dead-letter topic (pieces of abandoned groups). */
  piecesDeadLettered: number;
  orphanPieces: number;
  duplicatePieces: number;
}

export interface TransactionMetrics {
  /** Gauge: transactions open in memory (one per shard at most). */
  openTransactions: number;
  committed: number;
  rollbacks: number;
  heartbeats: number;
  /** Entries that broke the BEGIN/DML/COMMIT grammar (see TransactionAnomaly). */
  anomalies: number;
}

export interface ResequencerMetrics {
  /** Gauge: events held in the store, as counted by this instance since it started. */
  eventsHeld: number;
  eventsReleased: number;
  eventsReleasedLate: number;
  /** Events released at once by the per-key counter fast path. */
  fastPathReleased: number;
  /** Redeliveries dropped: at or before the watermark, already released, or already held. */
  duplicatesDropped: number;
  /** Stall episodes: a shard held events while its watermark did not pass them for `maxHoldMs`. */
  stalls: number;
  /** Gauge: shards currently stalled. */
  stalledShards: number;
  /** Gauge per shard: how far the slowest input partition is behind the fastest, in GTID sequence and ms. */
  readonly watermarkLag: Map<string, { gtidSequence: bigint; timeMs: number }>;
}

export function createReassemblyMetrics(): ReassemblyMetrics {
  return {
    piecesPending: 0,
    bytesPending: 0,
    groupsCompleted: 0,
    groupsAbandoned: 0,
    piecesDeadLettered: 0,
    orphanPieces: 0,
    duplicatePieces: 0,
  };
}

export function createTransactionMetrics(): TransactionMetrics {
  return { openTransactions: 0, committed: 0, rollbacks: 0, heartbeats: 0, anomalies: 0 };
}

export function createResequencerMetrics(): ResequencerMetrics {
  return {
    eventsHeld: 0,
    eventsReleased: 0,
    eventsReleasedLate: 0,
    fastPathReleased: 0,
    duplicatesDropped: 0,
    stalls: 0,
    stalledShards: 0,
    watermarkLag: new Map(),
  };
}
