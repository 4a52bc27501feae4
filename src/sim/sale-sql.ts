import { formatSqlDateTime } from '../index.js';
import type { BinlogItem, BinlogRowsEvent, BinlogTransaction } from './model/binlog.js';
import type { OrderRow, PaymentRow } from './model/sale-schema.js';

/**
 * The `sale` database as MySQL/MariaDB DDL, for replaying the simulator's flash sale against a real
 * server (the Debezium pipeline). Time columns are the common real-world mix: `created_at` and
 * `paid_at` are zone-less DATETIMEs written in the source's zone, `updated_at` is a TIMESTAMP.
 * `heartbeat` is the table Debezium's `heartbeat.action.query` writes: a transaction that moves the
 * binlog (and so the stream's clock) forward when no sale row changes.
 */
export function saleSchemaSql(): string {
  return `CREATE DATABASE IF NOT EXISTS sale;
CREATE TABLE sale.orders (
  order_id BIGINT NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL,
  sku_id BIGINT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  status ENUM('CREATED','PAID','SHIPPED','CANCELLED','REFUNDED') NOT NULL,
  version INT NOT NULL,
  remark JSON NULL,
  created_at DATETIME NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;
CREATE TABLE sale.payments (
  payment_id BIGINT NOT NULL PRIMARY KEY,
  order_id BIGINT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  channel VARCHAR(16) NOT NULL,
  paid_at DATETIME NOT NULL
) ENGINE=InnoDB;
CREATE TABLE sale.heartbeat (
  id INT NOT NULL PRIMARY KEY,
  beat_at TIMESTAMP NOT NULL
) ENGINE=InnoDB;
`;
}

export interface SaleSqlOptions {
  /** The zone the DATETIME columns are written in (the source database's wall clock). */
  readonly sourceTimeZone: string;
}

/** One piece of the replay script and, for a committed transaction, the model GTID it stands for. */
export interface SaleSqlStep {
  readonly sql: string;
  /** Set on committed transactions: the script prints `<model gtid>\t<server gtid>` after its COMMIT. */
  readonly modelGtid: string | undefined;
}

/**
 * The flash sale as SQL, item by item: each model transaction becomes BEGIN, its statements and
 * COMMIT or ROLLBACK, under `SET TIMESTAMP` to the model's event time, so the binlog carries the same
 * event times as the simulated one (and so the same ground truth); each heartbeat becomes a write to
 * `sale.heartbeat` at its time. After each COMMIT the script selects the model's GTID beside the
 * server's `@@last_gtid`, so a test can map the ground truth's coordinates onto the real binlog's.
 * Run it with `time_zone` +00:00 (set at the top).
 */
export function* saleSql(items: Iterable<BinlogItem>, options: SaleSqlOptions): Generator<SaleSqlStep> {
  yield { sql: "SET time_zone = '+00:00';\n", modelGtid: undefined };
  let lastBeat = -1;
  for (const item of items) {
    if (item.kind === 'heartbeat') {
      if (item.timestamp <= lastBeat) continue;
      lastBeat = item.timestamp;
      yield {
        sql: `SET TIMESTAMP = ${item.timestamp};\nINSERT INTO sale.heartbeat (id, beat_at) VALUES (1, NOW()) ON DUPLICATE KEY UPDATE beat_at = NOW();\n`,
        modelGtid: undefined,
      };
      continue;
    }
    yield transactionSql(item, options);
  }
}

function transactionSql(txn: BinlogTransaction, options: SaleSqlOptions): SaleSqlStep {
  const lines = [`SET TIMESTAMP = ${txn.timestamp};`, 'BEGIN;'];
  for (const event of txn.events) lines.push(statementSql(event, options));
  if (txn.outcome === 'commit') {
    lines.push('COMMIT;', `SELECT ${sqlString(txn.gtid)}, @@last_gtid;`);
    return { sql: `${lines.join('\n')}\n`, modelGtid: txn.gtid };
  }
  lines.push('ROLLBACK;');
  return { sql: `${lines.join('\n')}\n`, modelGtid: undefined };
}

function statementSql(event: BinlogRowsEvent, options: SaleSqlOptions): string {
  if (event.table === 'payments') {
    return `INSERT INTO sale.payments (payment_id, order_id, amount, channel, paid_at) VALUES ${event.rows.map((r) => paymentValues(r.after, options)).join(', ')};`;
  }
  if (event.op === 'insert') {
    return `INSERT INTO sale.orders (order_id, user_id, sku_id, amount, status, version, remark, created_at, updated_at) VALUES ${event.rows
      .map((r) => orderValues(r.after, options))
      .join(', ')};`;
  }
  // The model's UPDATE statements change every row the same way (a status or a remark), bump
  // `version` (optimistic locking) and stamp `updated_at`; the rows differ only in their ids.
  const first = event.rows[0];
  if (first === undefined) return '';
  const after = first.after;
  const before = first.before;
  const sets = [`version = version + 1`, `updated_at = ${sqlString(utcTimestamp(after.updated_at))}`];
  if (before === undefined || before.status !== after.status) sets.unshift(`status = ${sqlString(after.status)}`);
  if (before === undefined || before.remark !== after.remark) sets.unshift(`remark = ${after.remark === null ? 'NULL' : sqlString(after.remark)}`);
  const ids = event.rows.map((r) => r.after.order_id.toString()).join(', ');
  return `UPDATE sale.orders SET ${sets.join(', ')} WHERE order_id IN (${ids});`;
}

function orderValues(row: OrderRow, options: SaleSqlOptions): string {
  return `(${row.order_id}, ${row.user_id}, ${row.sku_id}, ${row.amount}, ${sqlString(row.status)}, ${row.version}, ${
    row.remark === null ? 'NULL' : sqlString(row.remark)
  }, ${sqlString(formatSqlDateTime(row.created_at * 1000, options.sourceTimeZone))}, ${sqlString(utcTimestamp(row.updated_at))})`;
}

function paymentValues(row: PaymentRow, options: SaleSqlOptions): string {
  return `(${row.payment_id}, ${row.order_id}, ${row.amount}, ${sqlString(row.channel)}, ${sqlString(formatSqlDateTime(row.paid_at * 1000, options.sourceTimeZone))})`;
}

function utcTimestamp(epochSeconds: number): string {
  return formatSqlDateTime(epochSeconds * 1000, 'UTC');
}

/** A SQL string literal for MySQL's default sql_mode, where backslash escapes. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\0/g, '\\0')}'`;
}
