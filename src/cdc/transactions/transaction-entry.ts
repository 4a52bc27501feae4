export type EntryKind = 'begin' | 'dml' | 'commit' | 'ddl' | 'rollback' | 'heartbeat' | 'checkpoint';

/**
 * The part of a decoded DTS Entry that transaction grouping reads. The codec's `DtsEntry` fits it
 * structurally; the grouper hands the codec's own entries back untouched, for its normalizer.
 */
export interface TransactionEntry {
  readonly header: {
    /** The shard. int64 on the wire; any exact representation, normalized with `String()`. */
    readonly serverId: string | bigint | number;
    /** `<server uuid>:<sequence>`; on a heartbeat, the shard's last committed transaction. */
    readonly gtid: string;
    /** Seconds: event time of the binlog event, or the shard's clock on a heartbeat. */
    readonly timestamp: number;
  };
  readonly event: { readonly kind: EntryKind };
}

/** One transaction of one shard, BEGIN to COMMIT, as seen on one partition. */
export interface CommittedTransaction<E extends TransactionEntry> {
  readonly serverId: string;
  readonly gtid: string;
  readonly gtidSequence: bigint;
  /** BEGIN, the DML (and DDL) entries, COMMIT — in arrival order. */
  readonly entries: readonly E[];
  /** Offset of the message that carried BEGIN. */
  readonly beginOffset: string;
  /** Commit time (the COMMIT header's timestamp), epoch milliseconds. */
  readonly timestamp: number;
}

export type TransactionAnomalyKind =
  | 'dml-without-begin' // the tail of a transaction whose BEGIN came before the read position
  | 'commit-without-begin'
  | 'rollback-without-begin'
  | 'begin-while-open' // the open transaction of that shard is dropped; the new one replaces it
  | 'gtid-mismatch' // DML or COMMIT whose GTID is not the open BEGIN's: the open transaction is dropped
  | 'invalid-gtid'; // BEGIN (or heartbeat) whose GTID has no numeric sequence: it cannot be ordered

export interface TransactionAnomaly {
  readonly kind: TransactionAnomalyKind;
  readonly serverId: string;
  readonly gtid: string;
  /** The GTID of the transaction that was open for the shard, if any. */
  readonly openGtid: string | undefined;
  readonly offset: string;
}
