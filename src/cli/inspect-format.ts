import {
  decodeColumnValue,
  decodeEntries,
  decodeEnvelope,
  DtsDmlType,
  type ColumnValue,
  type DtsEntry,
} from '../index.js';
import type { RawRecord } from '../kafka-tools/index.js';
import type { AvroOrderEvent } from './order-event-avro.js';

/** A value a person or `jq` can read: int64s and bytes as strings. */
export type ShownValue = null | boolean | number | string | ShownValue[] | { [key: string]: ShownValue };

export interface ShownEntry {
  readonly kind: string;
  readonly serverId: string;
  readonly gtid: string;
  readonly file: string;
  readonly position: string;
  readonly timestamp: number;
  readonly table?: string;
  readonly seqId: string;
  readonly eventIndex: string;
  readonly isLast: boolean;
  readonly dml?: string;
  readonly rows?: ReadonlyArray<{ readonly before?: Record<string, ShownValue>; readonly after?: Record<string, ShownValue> }>;
  readonly detail?: Record<string, ShownValue>;
}

export interface ShownDtsRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly bytes: number;
  readonly index?: number;
  readonly total?: number;
  /** Set when this record completes a group whose pieces were all in the shown range. */
  readonly entries?: readonly ShownEntry[];
  readonly note?: string;
  readonly error?: string;
}

const DML_NAMES: Record<number, string> = { [DtsDmlType.INSERT]: 'INSERT', [DtsDmlType.UPDATE]: 'UPDATE', [DtsDmlType.DELETE]: 'DELETE' };

/**
 * Decodes DTS envelopes record by record. Pieces of a chunked group are collected per partition; the
 * record carrying the last piece shows the group's entries if every piece before it was seen, in order.
 */
export class DtsInspector {
  private readonly groups = new Map<number, { total: number; parts: Buffer[] }>();

  show(record: RawRecord): ShownDtsRecord {
    const base = { topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp, bytes: record.value?.length ?? 0 };
    const at = { topic: record.topic, partition: record.partition, offset: record.offset };
    if (record.value === null) return { ...base, error: 'no value (a tombstone)' };
    try {
      const envelope = decodeEnvelope(record.value, at);
      const piece = { ...base, index: envelope.index, total: envelope.total };
      if (envelope.total === 1) return { ...piece, entries: decodeEntries(envelope.data, at).map(showEntry) };
      let group = this.groups.get(record.partition);
      let note: string | undefined;
      if (envelope.index === 0) {
        if (group !== undefined) note = `starts a new group; the previous one stopped at piece ${group.parts.length}/${group.total}`;
        group = { total: envelope.total, parts: [] };
        this.groups.set(record.partition, group);
      } else if (group === undefined || group.total !== envelope.total || group.parts.length !== envelope.index) {
        this.groups.delete(record.partition);
        return { ...piece, note: group === undefined ? 'earlier pieces not in the shown range (or an orphan)' : 'breaks the group it follows' };
      }
      group.parts.push(envelope.data);
      if (group.parts.length < group.total) return note === undefined ? piece : { ...piece, note };
      this.groups.delete(record.partition);
      const entries = decodeEntries(Buffer.concat(group.parts), at).map(showEntry);
      return { ...piece, entries, note: `group of ${group.total} pieces complete` };
    } catch (error) {
      return { ...base, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

function showEntry(entry: DtsEntry): ShownEntry {
  const h = entry.header;
  const e = entry.event;
  const common = {
    kind: e.kind,
    serverId: h.serverId,
    gtid: h.gtid,
    file: h.fileName,
    position: h.position.toString(),
    timestamp: h.timestamp,
    seqId: h.seqId.toString(),
    eventIndex: h.eventIndex.toString(),
    isLast: h.isLast,
  };
  switch (e.kind) {
    case 'dml': {
      const where = (): string => `${h.schemaName}.${h.tableName} at ${h.fileName}:${h.position}`;
      const row = (values: readonly { dataType: number; charset: string; sv: string; bv: Buffer }[]): Record<string, ShownValue> | undefined => {
        if (values.length === 0) return undefined;
        const out: Record<string, ShownValue> = {};
        e.columns.forEach((column, i) => {
          const data = values[i];
          if (data === undefined) return;
          const value = decodeColumnValue(data, column, { parseJson: true }, where);
          if (value !== undefined) out[column.name] = shown(value);
        });
        return out;
      };
      return {
        ...common,
        table: `${h.schemaName}.${h.tableName}`,
        dml: DML_NAMES[e.dmlType] ?? `dml type ${e.dmlType}`,
        rows: e.rows.map((r) => {
          const before = row(r.oldColumns);
          const after = row(r.newColumns);
          return { ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
        }),
      };
    }
    case 'begin':
      return { ...common, detail: { transactionId: e.transactionId, threadId: e.threadId.toString() } };
    case 'commit':
      return { ...common, detail: { transactionId: e.transactionId } };
    case 'heartbeat':
      return { ...common, detail: { epoch: e.epoch.toString() } };
    case 'ddl':
      return { ...common, detail: { schema: e.schemaName, sql: e.sql } };
    case 'checkpoint':
      return { ...common, detail: { file: e.fileName, position: e.position.toString() } };
    case 'rollback':
      return common;
  }
}

function shown(value: ColumnValue): ShownValue {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  return value;
}

/** Long values (a 64 KiB remark) are cut in text output; `--json` keeps them whole. */
function short(value: ShownValue, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

export function formatDtsRecord(r: ShownDtsRecord): string {
  const head = `${r.topic}/${r.partition}@${r.offset}  ${new Date(r.timestamp).toISOString()}  ${r.bytes} bytes`;
  const piece = r.total === undefined ? '' : `  piece ${(r.index ?? 0) + 1}/${r.total}`;
  const lines = [`${head}${piece}${r.note === undefined ? '' : `  (${r.note})`}${r.error === undefined ? '' : `  ERROR: ${r.error}`}`];
  for (const e of r.entries ?? []) {
    const what = e.dml === undefined ? e.kind.toUpperCase() : `${e.dml} ${e.table ?? ''}`;
    lines.push(`  ${what.padEnd(22)} server ${e.serverId}  gtid ${e.gtid}  ${e.file}:${e.position}  t=${e.timestamp}  seq ${e.seqId}  #${e.eventIndex}${e.isLast ? ' last' : ''}`);
    if (e.detail !== undefined) lines.push(`      ${Object.entries(e.detail).map(([k, v]) => `${k}=${short(v)}`).join('  ')}`);
    for (const row of e.rows ?? []) {
      if (row.before !== undefined) lines.push(`      before: ${Object.entries(row.before).map(([k, v]) => `${k}=${short(v)}`).join(' ')}`);
      if (row.after !== undefined) lines.push(`      after:  ${Object.entries(row.after).map(([k, v]) => `${k}=${short(v)}`).join(' ')}`);
    }
  }
  return lines.join('\n');
}

export function formatOrderEventRecord(record: RawRecord, e: AvroOrderEvent): string {
  const flags = [e.afterExpiry ? 'afterExpiry' : '', e.late ? 'late' : ''].filter((f) => f !== '').join(' ');
  const payment = e.payment === null ? '' : `  payment ${e.payment.paymentId} ${e.payment.channel} ${e.payment.amount}`;
  return [
    `${record.topic}/${record.partition}@${record.offset}  key ${record.key?.toString('utf8') ?? '(none)'}`,
    `  ${e.type} #${e.seq}  order ${e.orderId}  ${e.status}  ${e.amount}  user ${e.userId}  sku ${e.skuId}  at ${new Date(e.occurredAt).toISOString()}${flags === '' ? '' : `  [${flags}]`}${payment}`,
    `  source server ${e.source.serverId}  gtid ${e.source.gtid}  ${e.source.file}:${e.source.position}`,
  ].join('\n');
}

export function showRawRecord(record: RawRecord): Record<string, ShownValue> {
  const headers: Record<string, ShownValue> = {};
  for (const [k, v] of Object.entries(record.headers)) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : v;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key === null ? null : record.key.toString('hex'),
    value: record.value === null ? null : record.value.toString('hex'),
    headers,
  };
}

export function formatRawRecord(record: RawRecord): string {
  const headerText = Object.entries(record.headers)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Buffer.isBuffer(v) ? v.toString('utf8') : String(v)}`)
    .join(' ');
  return [
    `${record.topic}/${record.partition}@${record.offset}  ${new Date(record.timestamp).toISOString()}  ${record.value?.length ?? 0} bytes${headerText === '' ? '' : `  headers: ${headerText}`}`,
    `  key:   ${record.key === null ? '(null)' : short(record.key.toString('hex'), 80)}`,
    `  value: ${record.value === null ? '(null)' : short(record.value.toString('hex'), 80)}`,
  ].join('\n');
}
