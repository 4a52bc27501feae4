import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'debezium');

export type Variant = 'envelope' | 'plain';

export interface CapturedRecord {
  readonly name: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly at: { readonly topic: string; readonly partition: number; readonly offset: string };
}

/** A record captured from the real pipeline by test/fixtures/debezium/capture.ts (`sale.orders.0`, `transaction.3`, ...). */
export function captured(variant: Variant, name: string): CapturedRecord {
  const read = (file: string): Buffer | null => (existsSync(file) ? readFileSync(file) : null);
  const base = join(FIXTURES, variant, name);
  const index = JSON.parse(readFileSync(join(FIXTURES, variant, 'records.json'), 'utf8')) as Array<{ file: string; topic: string; partition: number; offset: string }>;
  const entry = index.find((r) => r.file === name);
  if (entry === undefined) throw new Error(`no captured record ${variant}/${name}`);
  return { name, key: read(`${base}.key.json`), value: read(`${base}.value.json`), at: { topic: entry.topic, partition: entry.partition, offset: entry.offset } };
}

export function allCaptured(variant: Variant): CapturedRecord[] {
  const index = JSON.parse(readFileSync(join(FIXTURES, variant, 'records.json'), 'utf8')) as Array<{ file: string }>;
  return index.map((r) => captured(variant, r.file));
}

/** The raw `source` block of a captured change event, read with plain JSON.parse (an independent path). */
export function rawSource(record: CapturedRecord): Record<string, unknown> {
  const json = JSON.parse((record.value as Buffer).toString('utf8')) as { payload?: { source: Record<string, unknown> }; source?: Record<string, unknown> };
  return (json.payload?.source ?? json.source) as Record<string, unknown>;
}
