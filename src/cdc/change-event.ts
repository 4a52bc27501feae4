import type { SourcePosition } from './source-position.js';

export type ChangeOperation = 'insert' | 'update' | 'delete';

/**
 * A column value after DataType mapping (docs/design.md section 1): INT8..INT32, UINT8..UINT16 and
 * FLOAT32/64 → number; INT64, UINT32, UINT64 → bigint (never a lossy number); DECIMAL → exact decimal
 * string; STRING → string decoded by its charset; BYTES → Buffer, or the parsed JSON value for a JSON
 * column when JSON parsing is asked for; NIL → null.
 */
export type ColumnValue = null | number | bigint | string | Buffer | JsonValue;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type Row = Readonly<Record<string, ColumnValue>>;

/** The source coordinates of one row change. */
export interface ChangeSource extends SourcePosition {
  /** Event time: the binlog header timestamp of the row's transaction, in epoch milliseconds. */
  readonly timestamp: number;
  /** The transaction id from its BEGIN event, if the source gave one. */
  readonly transactionId: string | undefined;
  /** Index of this row change within its transaction, counting rows of all its DML events (0-based). */
  readonly indexInTransaction: number;
  /** Kafka coordinates of the (first piece of the) message that carried the row. */
  readonly partition: number;
  readonly offset: string;
}

/** One committed row change, normalized from any CDC format. */
export interface ChangeEvent {
  readonly schema: string;
  readonly table: string;
  readonly op: ChangeOperation;
  /** Row image before the change: present for update and delete. */
  readonly before: Row | undefined;
  /** Row image after the change: present for insert and update. */
  readonly after: Row | undefined;
  /** `after` for insert/update, `before` for delete: the row a topology usually keys and filters on. */
  readonly row: Row;
  /** Names of the primary-key columns. */
  readonly keyColumns: readonly string[];
  readonly source: ChangeSource;
}
