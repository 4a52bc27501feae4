import { createTransactionMetrics, type TransactionMetrics } from '../cdc-metrics.js';
import { compareOffsets } from '../offsets.js';
import { gtidSequenceOf } from '../source-position.js';
import type { ShardProgress } from '../watermarks/shard-progress.js';
import type { CommittedTransaction, TransactionAnomaly, TransactionAnomalyKind, TransactionEntry } from './transaction-entry.js';

export interface TransactionGrouperOptions {
  /** Told about every entry that breaks the BEGIN/DML/COMMIT grammar; the grouper carries on. */
  readonly onAnomaly?: (anomaly: TransactionAnomaly) => void;
}

/** What one entry did: a transaction to release, and/or progress the partition has made for a shard. */
export interface GroupingStep<E extends TransactionEntry> {
  readonly committed: CommittedTransaction<E> | undefined;
  readonly progress: ShardProgress | undefined;
}

interface OpenTransaction<E> {
  readonly gtid: string;
  readonly gtidSequence: bigint;
  readonly entries: E[];
  readonly beginOffset: string;
  /** Seconds, from the BEGIN header. */
  readonly beginTimestamp: number;
}

/**
 * Groups the entries of ONE partition into committed transactions (docs/design.md 3.2).
 *
 * One transaction may be open per shard (`serverId`): the entries of one partition may interleave
 * transactions of different shards, never two of one shard (a shard's binlog is sequential).
 * BEGIN opens, DML and DDL entries accumulate, COMMIT releases the whole transaction as a unit, and
 * ROLLBACK drops it. Every other sequence is defined, counted and reported through `onAnomaly`,
 * never thrown:
 * - DML/COMMIT/ROLLBACK with no open transaction for the shard: skipped (the tail of a transaction
 *   delivered before the read position; its rows were released then, or belong to a transaction
 *   whose start is lost and so cannot be trusted).
 * - BEGIN while the shard has one open: the open one is dropped and the new one replaces it (a
 *   redelivery restarting the transaction re-sends its rows after the new BEGIN).
 * - DML or COMMIT whose GTID differs from the open BEGIN's: entries went missing, the open
 *   transaction cannot be complete, so it is dropped and the entry skipped.
 * - BEGIN whose GTID has no numeric sequence: it cannot be ordered, so it is not opened (its rows
 *   then arrive as DML without BEGIN).
 * A redelivered transaction is released again: de-duplication happens in the resequencer.
 *
 * Progress: a committed transaction says the partition has passed its GTID; a heartbeat says the
 * partition has passed the shard's last committed GTID — capped just below a transaction of that
 * shard still open here, whose rows are still coming. Open transactions live in memory; the caller
 * holds the committable offset at `openTransactionOffset()`, so a crash re-reads them (the same
 * rewind as envelope reassembly). A transaction is therefore bounded by what fits in memory.
 */
export class TransactionGrouper<E extends TransactionEntry> {
  readonly metrics: TransactionMetrics = createTransactionMetrics();
  private readonly open = new Map<string, OpenTransaction<E>>();
  private readonly onAnomaly: ((anomaly: TransactionAnomaly) => void) | undefined;

  constructor(options: TransactionGrouperOptions = {}) {
    this.onAnomaly = options.onAnomaly;
  }

  /** Offset of the BEGIN of the oldest transaction still open: commit no further than this. */
  openTransactionOffset(): string | undefined {
    let lowest: string | undefined;
    for (const transaction of this.open.values()) {
      if (lowest === undefined || compareOffsets(transaction.beginOffset, lowest) < 0) lowest = transaction.beginOffset;
    }
    return lowest;
  }

  /** Returns undefined when the entry neither released a transaction nor moved progress. */
  accept(entry: E, offset: string): GroupingStep<E> | undefined {
    const header = entry.header;
    const serverId = String(header.serverId);
    const open = this.open.get(serverId);
    switch (entry.event.kind) {
      case 'begin': {
        if (open !== undefined) {
          this.anomaly('begin-while-open', serverId, header.gtid, open, offset);
          this.close(serverId);
        }
        const gtidSequence = gtidSequenceOf(header.gtid);
        if (gtidSequence === undefined) {
          this.anomaly('invalid-gtid', serverId, header.gtid, undefined, offset);
          return undefined;
        }
        this.open.set(serverId, { gtid: header.gtid, gtidSequence, entries: [entry], beginOffset: offset, beginTimestamp: header.timestamp });
        this.metrics.openTransactions = this.open.size;
        return undefined;
      }
      case 'dml':
      case 'ddl': {
        if (open !== undefined) {
          if (header.gtid === open.gtid) {
            open.entries.push(entry);
            return undefined;
          }
          this.anomaly('gtid-mismatch', serverId, header.gtid, open, offset);
          this.close(serverId);
          return undefined;
        }
        // A DDL is its own transaction in MySQL: outside BEGIN/COMMIT it only shows progress.
        if (entry.event.kind === 'ddl') return this.progressStep(serverId, header.gtid, header.timestamp);
        this.anomaly('dml-without-begin', serverId, header.gtid, undefined, offset);
        return undefined;
      }
      case 'commit': {
        if (open === undefined) {
          this.anomaly('commit-without-begin', serverId, header.gtid, undefined, offset);
          return undefined;
        }
        this.close(serverId);
        if (header.gtid !== open.gtid) {
          this.anomaly('gtid-mismatch', serverId, header.gtid, open, offset);
          return undefined;
        }
        open.entries.push(entry);
        this.metrics.committed++;
        const timestamp = header.timestamp * 1000;
        return {
          committed: {
            serverId,
            gtid: open.gtid,
            gtidSequence: open.gtidSequence,
            entries: open.entries,
            beginOffset: open.beginOffset,
            timestamp,
          },
          progress: { serverId, gtidSequence: open.gtidSequence, timestamp },
        };
      }
      case 'rollback': {
        if (open === undefined) {
          this.anomaly('rollback-without-begin', serverId, header.gtid, undefined, offset);
          return undefined;
        }
        this.close(serverId);
        this.metrics.rollbacks++;
        return undefined;
      }
      case 'heartbeat': {
        this.metrics.heartbeats++;
        const step = this.progressStep(serverId, header.gtid, header.timestamp);
        if (step === undefined) this.anomaly('invalid-gtid', serverId, header.gtid, undefined, offset);
        return step;
      }
      case 'checkpoint':
        return undefined;
    }
  }

  private progressStep(serverId: string, gtid: string, timestampSeconds: number): GroupingStep<E> | undefined {
    let gtidSequence = gtidSequenceOf(gtid);
    if (gtidSequence === undefined) return undefined;
    const open = this.open.get(serverId);
    let seconds = timestampSeconds;
    if (open !== undefined && open.gtidSequence <= gtidSequence) {
      gtidSequence = open.gtidSequence - 1n;
      seconds = Math.min(seconds, open.beginTimestamp);
    }
    return { committed: undefined, progress: { serverId, gtidSequence, timestamp: seconds * 1000 } };
  }

  private close(serverId: string): void {
    this.open.delete(serverId);
    this.metrics.openTransactions = this.open.size;
  }

  private anomaly(
    kind: TransactionAnomalyKind,
    serverId: string,
    gtid: string,
    open: OpenTransaction<E> | undefined,
    offset: string,
  ): void {
    this.metrics.anomalies++;
    this.onAnomaly?.({ kind, serverId, gtid, openGtid: open?.gtid, offset });
  }
}
