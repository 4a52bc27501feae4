import type { ChangeEvent, ColumnValue, Row } from '../change-event.js';
import type { ColumnProjection } from '../dts/normalize-transaction.js';

/**
 * Keeps the named columns (and the key columns) of an event's table, for formats that decode whole
 * rows (Debezium, Canal); tables the projection does not name keep every column.
 */
export function projectEvent(event: ChangeEvent, projection: ColumnProjection | undefined): ChangeEvent {
  if (projection === undefined) return event;
  const wanted = projection[`${event.schema}.${event.table}`] ?? projection[event.table];
  if (wanted === undefined) return event;
  const keep = (row: Row | undefined): Row | undefined => {
    if (row === undefined) return undefined;
    const out: Record<string, ColumnValue> = {};
    for (const [name, value] of Object.entries(row)) if (wanted.includes(name) || event.keyColumns.includes(name)) out[name] = value;
    return out;
  };
  const before = keep(event.before);
  const after = keep(event.after);
  return { ...event, before, after, row: (event.op === 'delete' ? before : after) ?? {} };
}
