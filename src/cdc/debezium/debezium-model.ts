import type { ChangeEvent } from '../change-event.js';

/** The `transaction` block of a change event (`provide.transaction.metadata=true`). */
export interface DebeziumTransactionBlock {
  readonly id: string;
  /** 1-based position of the event among all events of its transaction. */
  readonly totalOrder: number;
  /** 1-based position of the event among its table's events in the transaction. */
  readonly dataCollectionOrder: number;
}

/** A record of a table topic, decoded. */
export type DebeziumRecord =
  | {
      readonly kind: 'change';
      readonly event: ChangeEvent;
      /** `<db>.<table>`, as the transaction topic's per-table counts name it. */
      readonly dataCollection: string;
      readonly transaction: DebeziumTransactionBlock | undefined;
      /** A snapshot read (`op: r`), normalized as an insert of the row the snapshot saw. */
      readonly snapshot: boolean;
    }
  /** The null-valued record Debezium writes after a delete, so log compaction can drop the key. */
  | { readonly kind: 'tombstone' }
  /** A truncate (`op: t`) or logical message (`op: m`): no row, but it counts in its transaction. */
  | {
      readonly kind: 'other';
      readonly op: string;
      readonly dataCollection: string;
      readonly transaction: DebeziumTransactionBlock | undefined;
    };

/** An event of the transaction-metadata topic (`<topic.prefix>.transaction`). */
export interface DebeziumTransactionMarker {
  readonly status: 'BEGIN' | 'END';
  readonly id: string;
  /** END only: the events the transaction produced, over all its tables. */
  readonly eventCount: number | undefined;
  /** END only: the events per table (`<db>.<table>`). */
  readonly dataCollections: ReadonlyArray<{ readonly dataCollection: string; readonly eventCount: number }>;
  /** Epoch ms. On END, the commit's binlog time; on BEGIN, not reliable (Debezium fills in the previous event's). */
  readonly timestamp: number;
}

/** A record of Debezium's heartbeat topic: the connector's WALL CLOCK, not a binlog position. */
export interface DebeziumHeartbeat {
  /** The connector's logical name (`topic.prefix`), from the record key, when there is one. */
  readonly serverName: string | undefined;
  readonly timestamp: number;
}
