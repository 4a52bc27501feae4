import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AvroSchemaError } from './avro-errors.js';
import { AvroSchemaCatalog, type AvroSchemaSource } from './avro-schema-catalog.js';
import type { AvroLongs } from './avro-type-options.js';

/** Where the writer-only older versions live, inside the schemas folder. */
export const SCHEMA_HISTORY_DIR = 'history';

async function readSources(dir: string): Promise<AvroSchemaSource[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.avsc')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(names.map(async (name) => parseSource(join(dir, name), await readFile(join(dir, name), 'utf8'))));
}

function readSourcesSync(dir: string): AvroSchemaSource[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.avsc')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.map((name) => parseSource(join(dir, name), readFileSync(join(dir, name), 'utf8')));
}

function parseSource(origin: string, text: string): AvroSchemaSource {
  try {
    return { origin, schema: JSON.parse(text) as unknown };
  } catch (error) {
    throw new AvroSchemaError(`${origin} is not JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/**
 * Loads every `*.avsc` of `dir` (files may use named types defined in other files) and, as writer
 * schemas for single-object decoding, every `*.avsc` of `dir/history/`.
 */
export async function loadAvroSchemas(dir: string, options: { longs?: AvroLongs } = {}): Promise<AvroSchemaCatalog> {
  const [current, history] = await Promise.all([readSources(dir), readSources(join(dir, SCHEMA_HISTORY_DIR))]);
  if (current.length === 0) throw new AvroSchemaError(`no .avsc files in ${dir}`);
  return new AvroSchemaCatalog(current, { ...options, history });
}

/** `loadAvroSchemas` without awaiting: for a topology's build, which is synchronous and reads the folder once. */
export function loadAvroSchemasSync(dir: string, options: { longs?: AvroLongs } = {}): AvroSchemaCatalog {
  const current = readSourcesSync(dir);
  if (current.length === 0) throw new AvroSchemaError(`no .avsc files in ${dir}`);
  return new AvroSchemaCatalog(current, { ...options, history: readSourcesSync(join(dir, SCHEMA_HISTORY_DIR)) });
}
