import type { OrderRow, PaymentRow } from './sale-schema.js';

/** One MySQL instance of the sharded `sale` database. */
export interface ShardIdentity {
  readonly index: number;
  /** MySQL `server_id`, an int64 as a decimal string. */
  readonly serverId: string;
  readonly uuid: string;
}

export interface RowChange<Row> {
  /** The row before an UPDATE; undefined for an INSERT. */
  readonly before: Row | undefined;
  readonly after: Row;
}

/** One rows event of the binlog (one statement): all its rows share `position`. */
export type BinlogRowsEvent =
  | {
      readonly table: 'orders';
      readonly op: 'insert' | 'update';
      readonly position: bigint;
      readonly rows: readonly RowChange<OrderRow>[];
    }
  | {
      readonly table: 'payments';
      readonly op: 'insert';
      readonly position: bigint;
      readonly rows: readonly RowChange<PaymentRow>[];
    };

export interface BinlogTransaction {
  readonly kind: 'transaction';
  readonly shard: ShardIdentity;
  readonly gtidSequence: bigint;
  readonly gtid: string;
  /** The XID; BEGIN and COMMIT carry it. */
  readonly transactionId: string;
  readonly threadId: bigint;
  /** Event time, epoch seconds. */
  readonly timestamp: number;
  /** Binlog files rotate between transactions, never inside one. */
  readonly fileName: string;
  readonly beginPosition: bigint;
  readonly events: readonly BinlogRowsEvent[];
  /** Position of the COMMIT (or ROLLBACK) event. */
  readonly endPosition: bigint;
  readonly outcome: 'commit' | 'rollback';
  /** Orders with nothing left planned after this transaction: their ground truth is final. */
  readonly finishedOrders: readonly bigint[];
}

/** A shard's "nothing at or before `lastCommittedGtid` is still to come" (docs/design.md section 1). */
export interface BinlogHeartbeat {
  readonly kind: 'heartbeat';
  readonly shard: ShardIdentity;
  readonly timestamp: number;
  readonly lastCommittedGtid: string;
  readonly fileName: string;
  readonly position: bigint;
}

export type BinlogItem = BinlogTransaction | BinlogHeartbeat;
