import type { DtsEntry } from '../index.js';

/**
 * How the subscription spreads entries over partitions (docs/design.md section 1):
 * - `table`: by `schema.table` — a transaction touching orders and payments is split in two;
 * - `primary-key`: by the DML entry's key (its first row's primary key; the rows of one statement
 *   stay together so their binlog coordinates stay true) — a transaction's rows spread widely;
 * - `transaction`: by GTID — a transaction stays whole on one partition.
 */
export const PARTITIONING_STRATEGIES = ['table', 'primary-key', 'transaction'] as const;
export type PartitioningStrategy = (typeof PARTITIONING_STRATEGIES)[number];

/** The string a DML entry is hashed by. */
export function partitionKeyOf(strategy: PartitioningStrategy, entry: DtsEntry): string {
  const h = entry.header;
  switch (strategy) {
    case 'transaction':
      return h.gtid;
    case 'table':
      return `${h.schemaName}.${h.tableName}`;
    case 'primary-key': {
      if (entry.event.kind !== 'dml') return h.gtid;
      const keyIndex = entry.event.columns.findIndex((c) => c.isKey);
      const row = entry.event.rows[0];
      const image = row === undefined ? undefined : row.newColumns.length > 0 ? row.newColumns : row.oldColumns;
      const key = image?.[keyIndex];
      return `${h.schemaName}.${h.tableName}:${key === undefined ? '' : key.sv || key.bv.toString('hex')}`;
    }
  }
}

/** FNV-1a (32-bit) of the UTF-8 bytes, mod `partitions`: stable across runs and platforms. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
