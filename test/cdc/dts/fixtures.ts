import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'dts');

/** Reads one golden fixture written by test/fixtures/dts/generate.ts. */
export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export const FIXTURE_GTID = '3e11fa47-71ca-11e1-9e33-c80aa9429562:42';
