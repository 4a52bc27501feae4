/**
 * Our typed model of the DTS subscription protocol (schemas/dts/subscribe.proto, docs/design.md section 1).
 * 64-bit integers are `bigint` (positions, sequence numbers, epochs) or decimal strings (`serverId`,
 * which is an identifier, not a quantity), never a lossy `number`. Enum fields stay numbers so that a
 * value this version does not know survives decoding and re-encoding; the constants below name them.
 */

export const DtsDataType = {
  NIL: 0,
  INT8: 1,
  INT16: 2,
  INT32: 3,
  INT64: 4,
  UINT8: 5,
  UINT16: 6,
  UINT32: 7,
  UINT64: 8,
  FLOAT32: 9,
  FLOAT64: 10,
  BYTES: 11,
  DECIMAL: 12,
  STRING: 13,
  NA: 14,
} as const;

export const DtsDmlType = { INSERT: 0, UPDATE: 1, DELETE: 2 } as const;
export type DtsDmlType = (typeof DtsDmlType)[keyof typeof DtsDmlType];

export const DtsSourceType = { MYSQL: 0, MARIADB: 1, TDSQL_MYSQL: 2, POSTGRESQL: 3 } as const;

export const DtsMessageType = {
  BEGIN: 0,
  COMMIT: 1,
  DML: 2,
  DDL: 3,
  ROLLBACK: 4,
  HEARTBEAT: 5,
  CHECKPOINT: 6,
} as const;
export type DtsMessageType = (typeof DtsMessageType)[keyof typeof DtsMessageType];

export interface DtsKeyValue {
  readonly key: string;
  readonly value: string;
}

/** One Kafka message: a whole Entries (`total` 1) or piece `index` of `total`. */
export interface DtsEnvelope {
  readonly version: number;
  readonly total: number;
  readonly index: number;
  readonly data: Buffer;
  readonly properties: readonly DtsKeyValue[];
}

export interface DtsHeader {
  readonly version: number;
  /** A {@link DtsSourceType} value; unknown values are kept. */
  readonly sourceType: number;
  readonly messageType: DtsMessageType;
  /** Seconds since the epoch: event time in the source binlog. */
  readonly timestamp: number;
  /** The shard (MySQL `server_id`): an int64 as a decimal string. */
  readonly serverId: string;
  readonly fileName: string;
  readonly position: bigint;
  readonly gtid: string;
  readonly schemaName: string;
  readonly tableName: string;
  readonly seqId: bigint;
  readonly eventIndex: bigint;
  readonly isLast: boolean;
  readonly properties: readonly DtsKeyValue[];
}

/** One column value as it travels: see docs/design.md section 1 for which of `sv`/`bv` a type uses. */
export interface DtsData {
  /** A {@link DtsDataType} value; an unknown one is an error only when the value is normalized. */
  readonly dataType: number;
  readonly charset: string;
  readonly sv: string;
  readonly bv: Buffer;
}

export interface DtsColumn {
  readonly name: string;
  readonly originalType: string;
  readonly isKey: boolean;
}

export interface DtsRowChange {
  readonly oldColumns: readonly DtsData[];
  readonly newColumns: readonly DtsData[];
}

interface DtsEventBase {
  readonly properties: readonly DtsKeyValue[];
}

export interface DtsBeginEvent extends DtsEventBase {
  readonly kind: 'begin';
  readonly transactionId: string;
  readonly threadId: bigint;
}

export interface DtsDmlEvent extends DtsEventBase {
  readonly kind: 'dml';
  readonly dmlType: DtsDmlType;
  readonly columns: readonly DtsColumn[];
  readonly rows: readonly DtsRowChange[];
}

export interface DtsCommitEvent extends DtsEventBase {
  readonly kind: 'commit';
  readonly transactionId: string;
}

export interface DtsDdlEvent extends DtsEventBase {
  readonly kind: 'ddl';
  readonly schemaName: string;
  readonly sql: string;
}

export interface DtsRollbackEvent extends DtsEventBase {
  readonly kind: 'rollback';
}

export interface DtsHeartbeatEvent extends DtsEventBase {
  readonly kind: 'heartbeat';
  /** The shard's clock, seconds. */
  readonly epoch: bigint;
}

export interface DtsCheckpointEvent extends DtsEventBase {
  readonly kind: 'checkpoint';
  readonly fileName: string;
  readonly position: bigint;
}

/** Which Event field was set; `kind` is the discriminant. */
export type DtsEvent =
  | DtsBeginEvent
  | DtsDmlEvent
  | DtsCommitEvent
  | DtsDdlEvent
  | DtsRollbackEvent
  | DtsHeartbeatEvent
  | DtsCheckpointEvent;

export type DtsEventKind = DtsEvent['kind'];

export interface DtsEntry {
  readonly header: DtsHeader;
  readonly event: DtsEvent;
}

/** The MessageType each event kind must carry in its header. */
export const MESSAGE_TYPE_OF_KIND: Readonly<Record<DtsEventKind, DtsMessageType>> = {
  begin: DtsMessageType.BEGIN,
  commit: DtsMessageType.COMMIT,
  dml: DtsMessageType.DML,
  ddl: DtsMessageType.DDL,
  rollback: DtsMessageType.ROLLBACK,
  heartbeat: DtsMessageType.HEARTBEAT,
  checkpoint: DtsMessageType.CHECKPOINT,
};
