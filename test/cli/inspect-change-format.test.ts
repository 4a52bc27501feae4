import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatChangeRecord, showChangeRecord } from '../../src/cli/inspect-change-format.js';
import type { RawRecord } from '../../src/kafka-tools/index.js';
import { captured, rawSource } from '../cdc/debezium/fixtures.js';

const CANAL = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'canal');

function raw(topic: string, key: Buffer | null, value: Buffer | null): RawRecord {
  return { topic, partition: 0, offset: '3', key, value, headers: {}, timestamp: 0 };
}

describe('inspect --format debezium', () => {
  it('shows a row change with its shard, GTID, binlog position and exact values', () => {
    const record = captured('envelope', 'sale.payments.0');
    const shown = showChangeRecord(raw('dbz.sale.payments', record.key, record.value), 'debezium');
    const source = rawSource(record);
    expect(shown.kind).toBe('change');
    expect(shown.events?.[0]).toMatchObject({
      table: 'sale.payments',
      op: 'insert',
      source: { shard: source['name'], gtid: source['gtid'], position: `${String(source['file'])}:${String(source['pos'])}`, row: 0 },
      after: { payment_id: '2100000000000000001', amount: '1999.00', channel: 'alipay', paid_at: '2025-11-11 08:01:00' },
    });
    const text = formatChangeRecord(shown);
    expect(text).toContain('dbz.sale.payments/0@3  CHANGE');
    expect(text).toContain('INSERT sale.payments');
    expect(text).toContain('payment_id=2100000000000000001');
  });

  it('shows transaction END with its per-table counts, heartbeats, and a record that does not decode with its error', () => {
    const end = captured('envelope', 'transaction.3');
    expect(showChangeRecord(raw('dbz.transaction', end.key, end.value), 'debezium')).toMatchObject({
      kind: 'transaction',
      detail: { status: 'END', eventCount: 2, tables: { 'sale.orders': 1, 'sale.payments': 1 } },
    });
    const beat = captured('plain', 'heartbeat.0');
    expect(showChangeRecord(raw('hb', beat.key, beat.value), 'debezium').kind).toBe('heartbeat');
    const bad = showChangeRecord(raw('dbz.sale.orders', null, Buffer.from('{')), 'debezium');
    expect(bad.kind).toBe('error');
    expect(formatChangeRecord(bad)).toMatch(/ERROR: dbz\.sale\.orders\/0@3: not JSON/);
  });
});

describe('inspect --format canal-json', () => {
  it('shows every row of a flat message, and a DDL with its statement', () => {
    const shown = showChangeRecord(raw('canal.sale', null, readFileSync(join(CANAL, 'insert.json'))), 'canal-json');
    expect(shown.events?.map((e) => e.after?.['order_id'])).toEqual(['1900000000000000001', '1900000000000000002']);
    const ddl = showChangeRecord(raw('canal.sale', null, readFileSync(join(CANAL, 'ddl.json'))), 'canal-json');
    expect(formatChangeRecord(ddl)).toContain('sql=ALTER TABLE orders ADD COLUMN coupon VARCHAR(32) NULL');
  });
});
