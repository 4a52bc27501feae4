import { bigIntToLong } from './int64.js';
import type { DtsData, DtsEntry, DtsEnvelope, DtsEvent, DtsHeader, DtsKeyValue } from './dts-model.js';
import type { RawData, RawEntries, RawEntry, RawEnvelope, RawEvent, RawHeader, RawKeyValue } from './dts-raw.js';
import { dtsTypes } from './dts-schema.js';

/**
 * Encoders for the simulator and tests. They write what they are given, faithfully, including a
 * `messageType` that disagrees with the event — so tests can produce the bad input the decoder rejects.
 */
export function encodeEntries(entries: readonly DtsEntry[]): Buffer {
  const raw: RawEntries = { items: entries.map(toRawEntry) };
  return toBuffer(dtsTypes.Entries.encode(raw).finish());
}

export function encodeEnvelope(envelope: DtsEnvelope): Buffer {
  const raw: RawEnvelope = {
    version: envelope.version,
    total: envelope.total,
    index: envelope.index,
    data: envelope.data,
    properties: toRawProperties(envelope.properties),
  };
  return toBuffer(dtsTypes.Envelope.encode(raw).finish());
}

function toRawEntry(entry: DtsEntry): RawEntry {
  return { header: toRawHeader(entry.header), event: toRawEvent(entry.event) };
}

function toRawHeader(h: DtsHeader): RawHeader {
  return {
    version: h.version,
    sourceType: h.sourceType,
    messageType: h.messageType,
    timestamp: h.timestamp,
    serverId: bigIntToLong(BigInt(h.serverId), false),
    fileName: h.fileName,
    position: bigIntToLong(h.position, true),
    gtid: h.gtid,
    schemaName: h.schemaName,
    tableName: h.tableName,
    seqId: bigIntToLong(h.seqId, true),
    eventIndex: bigIntToLong(h.eventIndex, true),
    isLast: h.isLast,
    properties: toRawProperties(h.properties),
  };
}

function toRawEvent(e: DtsEvent): RawEvent {
  const properties = toRawProperties(e.properties);
  switch (e.kind) {
    case 'begin':
      return { beginEvent: { transactionId: e.transactionId, threadId: bigIntToLong(e.threadId, false) }, properties };
    case 'dml':
      return {
        dmlEvent: {
          dmlEventType: e.dmlType,
          columns: e.columns.map((c) => ({ name: c.name, originalType: c.originalType, isKey: c.isKey })),
          rows: e.rows.map((r) => ({ oldColumns: r.oldColumns.map(toRawData), newColumns: r.newColumns.map(toRawData) })),
        },
        properties,
      };
    case 'commit':
      return { commitEvent: { transactionId: e.transactionId }, properties };
    case 'ddl':
      return { ddlEvent: { schemaName: e.schemaName, sql: e.sql }, properties };
    case 'rollback':
      return { rollbackEvent: {}, properties };
    case 'heartbeat':
      return { heartbeatEvent: { epoch: bigIntToLong(e.epoch, false) }, properties };
    case 'checkpoint':
      return { checkpointEvent: { fileName: e.fileName, position: bigIntToLong(e.position, true) }, properties };
  }
}

function toRawData(d: DtsData): RawData {
  return { dataType: d.dataType, charset: d.charset, sv: d.sv, bv: d.bv };
}

function toRawProperties(properties: readonly DtsKeyValue[]): RawKeyValue[] {
  return properties.map((p) => ({ key: p.key, value: p.value }));
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
