import type { LongBits } from './int64.js';

/**
 * The shapes protobufjs's reflection decoder produces for schemas/dts/subscribe.proto (and its encoder
 * accepts): field names as in the .proto, unset sub-messages `null`, 64-bit integers as `Long`s (or a
 * number for a defaulted zero). Only the codec sees these; everything else uses dts-model.ts.
 */
export type RawInt64 = LongBits | number;
/** An absent bytes field decodes as protobufjs's shared empty array. */
export type RawBytes = Uint8Array | readonly number[];

export interface RawKeyValue {
  key: string;
  value: string;
}

export interface RawEnvelope {
  version: number;
  total: number;
  index: number;
  data: RawBytes;
  properties: RawKeyValue[];
}

export interface RawHeader {
  version: number;
  sourceType: number;
  messageType: number;
  timestamp: number;
  serverId: RawInt64;
  fileName: string;
  position: RawInt64;
  gtid: string;
  schemaName: string;
  tableName: string;
  seqId: RawInt64;
  eventIndex: RawInt64;
  isLast: boolean;
  properties: RawKeyValue[];
}

export interface RawData {
  dataType: number;
  charset: string;
  sv: string;
  bv: RawBytes;
}

export interface RawColumn {
  name: string;
  originalType: string;
  isKey: boolean;
}

export interface RawRowChange {
  oldColumns: RawData[];
  newColumns: RawData[];
}

export interface RawDmlEvent {
  dmlEventType: number;
  columns: RawColumn[];
  rows: RawRowChange[];
}

export interface RawEvent {
  beginEvent?: { transactionId: string; threadId: RawInt64 } | null;
  dmlEvent?: RawDmlEvent | null;
  commitEvent?: { transactionId: string } | null;
  ddlEvent?: { schemaName: string; sql: string } | null;
  rollbackEvent?: Record<string, never> | null;
  heartbeatEvent?: { epoch: RawInt64 } | null;
  checkpointEvent?: { fileName: string; position: RawInt64 } | null;
  properties: RawKeyValue[];
}

export interface RawEntry {
  header?: RawHeader | null;
  event?: RawEvent | null;
}

export interface RawEntries {
  items: RawEntry[];
}
