import { decodeCanalMessage, decodeDebeziumMessage, type ChangeEvent, type ColumnValue, type Row } from '../index.js';
import type { RawRecord } from '../kafka-tools/index.js';
import type { ShownValue } from './inspect-format.js';

/** A record of a Debezium or Canal topic, decoded for `cdc-streams inspect --format debezium|canal-json`. */
export interface ShownChangeRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** `change` (row changes), `tombstone`, `transaction` (BEGIN/END), `heartbeat`, `ddl`, `other`. */
  readonly kind: string;
  readonly events?: readonly ShownChangeEvent[];
  readonly detail?: Record<string, ShownValue>;
  readonly error?: string;
}

export interface ShownChangeEvent {
  readonly table: string;
  readonly op: string;
  readonly source: Record<string, ShownValue>;
  readonly before?: Record<string, ShownValue>;
  readonly after?: Record<string, ShownValue>;
}

/** Decodes one record as the named format; a record that does not decode is shown with its error. */
export function showChangeRecord(record: RawRecord, format: 'debezium' | 'canal-json'): ShownChangeRecord {
  const base = { topic: record.topic, partition: record.partition, offset: record.offset };
  const at = { topic: record.topic, partition: record.partition, offset: record.offset };
  try {
    if (format === 'canal-json') {
      const message = decodeCanalMessage(record.value, at, { parseJson: true });
      if (message.kind === 'ddl') return { ...base, kind: 'ddl', detail: { schema: message.schema, table: message.table, type: message.type, sql: message.sql, es: message.timestamp } };
      return { ...base, kind: 'change', events: message.events.map(showEvent) };
    }
    const message = decodeDebeziumMessage(record.key, record.value, at, { parseJson: true });
    switch (message.kind) {
      case 'transaction': {
        const m = message.marker;
        const counts: Record<string, ShownValue> = {};
        for (const c of m.dataCollections) counts[c.dataCollection] = c.eventCount;
        return { ...base, kind: 'transaction', detail: { status: m.status, id: m.id, ...(m.eventCount === undefined ? {} : { eventCount: m.eventCount, tables: counts }), ts_ms: m.timestamp } };
      }
      case 'heartbeat':
        return { ...base, kind: 'heartbeat', detail: { serverName: message.heartbeat.serverName ?? null, ts_ms: message.heartbeat.timestamp } };
      case 'record': {
        const r = message.record;
        if (r.kind === 'tombstone') return { ...base, kind: 'tombstone' };
        if (r.kind === 'other') return { ...base, kind: 'other', detail: { op: r.op, table: r.dataCollection, transaction: r.transaction?.id ?? null } };
        return { ...base, kind: 'change', events: [showEvent(r.event)], ...(r.snapshot ? { detail: { snapshot: true } } : {}) };
      }
    }
  } catch (error) {
    return { ...base, kind: 'error', error: error instanceof Error ? error.message : String(error) };
  }
}

export function formatChangeRecord(r: ShownChangeRecord): string {
  const head = `${r.topic}/${r.partition}@${r.offset}  ${r.kind.toUpperCase()}`;
  const lines = [`${head}${r.detail === undefined ? '' : `  ${Object.entries(r.detail).map(([k, v]) => `${k}=${short(v)}`).join('  ')}`}${r.error === undefined ? '' : `  ERROR: ${r.error}`}`];
  for (const e of r.events ?? []) {
    lines.push(`  ${`${e.op.toUpperCase()} ${e.table}`.padEnd(24)} ${Object.entries(e.source).map(([k, v]) => `${k} ${short(v)}`).join('  ')}`);
    if (e.before !== undefined) lines.push(`      before: ${Object.entries(e.before).map(([k, v]) => `${k}=${short(v)}`).join(' ')}`);
    if (e.after !== undefined) lines.push(`      after:  ${Object.entries(e.after).map(([k, v]) => `${k}=${short(v)}`).join(' ')}`);
  }
  return lines.join('\n');
}

function showEvent(event: ChangeEvent): ShownChangeEvent {
  const s = event.source;
  return {
    table: `${event.schema}.${event.table}`,
    op: event.op,
    source: {
      shard: s.serverId,
      gtid: s.gtid,
      sequence: s.gtidSequence.toString(),
      position: `${s.fileName}:${s.position}`,
      row: s.rowIndex,
      at: new Date(s.timestamp).toISOString(),
      ...(s.transactionId === undefined ? {} : { transaction: s.transactionId }),
    },
    ...(event.before === undefined ? {} : { before: showRow(event.before) }),
    ...(event.after === undefined ? {} : { after: showRow(event.after) }),
  };
}

function showRow(row: Row): Record<string, ShownValue> {
  const out: Record<string, ShownValue> = {};
  for (const [name, value] of Object.entries(row)) out[name] = shown(value);
  return out;
}

function shown(value: ColumnValue): ShownValue {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  return value;
}

function short(value: ShownValue, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
