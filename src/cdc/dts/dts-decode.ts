import type { Type } from 'protobufjs';
import { describeCoordinates, type RecordCoordinates } from '../../common/errors.js';
import { DtsDecodeError } from './dts-errors.js';
import {
  DtsDmlType,
  MESSAGE_TYPE_OF_KIND,
  type DtsColumn,
  type DtsData,
  type DtsEntry,
  type DtsEnvelope,
  type DtsEvent,
  type DtsHeader,
  type DtsKeyValue,
  type DtsMessageType,
  type DtsRowChange,
} from './dts-model.js';
import type { RawBytes, RawData, RawEntries, RawEntry, RawEnvelope, RawEvent, RawHeader, RawKeyValue } from './dts-raw.js';
import { dtsTypes } from './dts-schema.js';
import { longToBigInt } from './int64.js';

/**
 * Decodes one Kafka message value as an Envelope. Validates `total >= 1` and `index < total`; the
 * piece's `data` is a view into `bytes` (no copy). Anything else → {@link DtsDecodeError}.
 */
export function decodeEnvelope(bytes: Uint8Array, at?: RecordCoordinates): DtsEnvelope {
  const raw = decodeRaw<RawEnvelope>(dtsTypes.Envelope, bytes, 'Envelope', at);
  if (raw.total < 1) {
    throw new DtsDecodeError(`DTS Envelope at ${describeCoordinates(at)}: total is ${raw.total}, must be at least 1`);
  }
  if (raw.index >= raw.total) {
    throw new DtsDecodeError(
      `DTS Envelope at ${describeCoordinates(at)}: index ${raw.index} is not below total ${raw.total}`,
    );
  }
  return {
    version: raw.version,
    total: raw.total,
    index: raw.index,
    data: asBuffer(raw.data),
    properties: mapProperties(raw.properties),
  };
}

/**
 * Decodes the bytes of one Entries (a whole Envelope's `data`, or its pieces concatenated in index
 * order). Every entry must have a header and exactly one event field set, and the header's
 * `messageType` must agree with that field. Anything else → {@link DtsDecodeError}.
 */
export function decodeEntries(bytes: Uint8Array, at?: RecordCoordinates): DtsEntry[] {
  const raw = decodeRaw<RawEntries>(dtsTypes.Entries, bytes, 'Entries', at);
  const entries: DtsEntry[] = new Array<DtsEntry>(raw.items.length);
  for (let i = 0; i < raw.items.length; i++) {
    entries[i] = mapEntry(raw.items[i] as RawEntry, i, at);
  }
  return entries;
}

function decodeRaw<T>(type: Type, bytes: Uint8Array, what: string, at: RecordCoordinates | undefined): T {
  try {
    // The reflection decoder yields exactly the shapes described in dts-raw.ts for this .proto.
    return type.decode(bytes) as unknown as T;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DtsDecodeError(`not a DTS ${what} at ${describeCoordinates(at)}: ${reason}`, error);
  }
}

function mapEntry(raw: RawEntry, item: number, at: RecordCoordinates | undefined): DtsEntry {
  const where = (): string => `DTS Entries at ${describeCoordinates(at)}, item ${item}`;
  if (raw.header === null || raw.header === undefined) throw new DtsDecodeError(`${where()}: entry has no header`);
  if (raw.event === null || raw.event === undefined) throw new DtsDecodeError(`${where()}: entry has no event`);
  const event = mapEvent(raw.event, where);
  const expected = MESSAGE_TYPE_OF_KIND[event.kind];
  if (raw.header.messageType !== expected) {
    throw new DtsDecodeError(
      `${where()}: header messageType ${raw.header.messageType} disagrees with its ${event.kind} event (expected ${expected})`,
    );
  }
  return { header: mapHeader(raw.header, expected), event };
}

function mapHeader(raw: RawHeader, messageType: DtsMessageType): DtsHeader {
  return {
    version: raw.version,
    sourceType: raw.sourceType,
    messageType,
    timestamp: raw.timestamp,
    serverId: longToBigInt(raw.serverId, false).toString(),
    fileName: raw.fileName,
    position: longToBigInt(raw.position, true),
    gtid: raw.gtid,
    schemaName: raw.schemaName,
    tableName: raw.tableName,
    seqId: longToBigInt(raw.seqId, true),
    eventIndex: longToBigInt(raw.eventIndex, true),
    isLast: raw.isLast,
    properties: mapProperties(raw.properties),
  };
}

function mapEvent(raw: RawEvent, where: () => string): DtsEvent {
  const properties = mapProperties(raw.properties);
  let event: DtsEvent | undefined;
  let set = 0;
  if (raw.beginEvent) {
    set++;
    event = {
      kind: 'begin',
      transactionId: raw.beginEvent.transactionId,
      threadId: longToBigInt(raw.beginEvent.threadId, false),
      properties,
    };
  }
  if (raw.dmlEvent) {
    set++;
    const dml = raw.dmlEvent;
    const dmlType = dml.dmlEventType;
    if (dmlType !== DtsDmlType.INSERT && dmlType !== DtsDmlType.UPDATE && dmlType !== DtsDmlType.DELETE) {
      throw new DtsDecodeError(`${where()}: unknown dmlEventType ${dmlType}`);
    }
    event = {
      kind: 'dml',
      dmlType,
      columns: dml.columns.map(
        (c): DtsColumn => ({ name: c.name, originalType: c.originalType, isKey: c.isKey }),
      ),
      rows: dml.rows.map(
        (r): DtsRowChange => ({ oldColumns: r.oldColumns.map(mapData), newColumns: r.newColumns.map(mapData) }),
      ),
      properties,
    };
  }
  if (raw.commitEvent) {
    set++;
    event = { kind: 'commit', transactionId: raw.commitEvent.transactionId, properties };
  }
  if (raw.ddlEvent) {
    set++;
    event = { kind: 'ddl', schemaName: raw.ddlEvent.schemaName, sql: raw.ddlEvent.sql, properties };
  }
  if (raw.rollbackEvent) {
    set++;
    event = { kind: 'rollback', properties };
  }
  if (raw.heartbeatEvent) {
    set++;
    event = { kind: 'heartbeat', epoch: longToBigInt(raw.heartbeatEvent.epoch, false), properties };
  }
  if (raw.checkpointEvent) {
    set++;
    event = {
      kind: 'checkpoint',
      fileName: raw.checkpointEvent.fileName,
      position: longToBigInt(raw.checkpointEvent.position, true),
      properties,
    };
  }
  if (event === undefined) throw new DtsDecodeError(`${where()}: event has no event field set`);
  if (set > 1) throw new DtsDecodeError(`${where()}: event has ${set} event fields set, expected exactly one`);
  return event;
}

function mapData(raw: RawData): DtsData {
  return { dataType: raw.dataType, charset: raw.charset, sv: raw.sv, bv: asBuffer(raw.bv) };
}

const NO_PROPERTIES: readonly DtsKeyValue[] = Object.freeze([]);

function mapProperties(raw: RawKeyValue[]): readonly DtsKeyValue[] {
  if (raw.length === 0) return NO_PROPERTIES;
  return raw.map((p) => ({ key: p.key, value: p.value }));
}

const EMPTY = Buffer.alloc(0);

/** protobufjs defaults an absent bytes field to an empty array, and yields Uint8Arrays for non-Buffer input. */
function asBuffer(bytes: RawBytes): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return EMPTY;
}
