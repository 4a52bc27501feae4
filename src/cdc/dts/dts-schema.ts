import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { CdcStreamsError } from '../../common/errors.js';

const PROTO_RELATIVE_PATH = join('schemas', 'dts', 'subscribe.proto');

/**
 * The .proto lives at the package root, which is two or three folders up depending on whether this
 * module runs from `src/` (tsx, vitest) or `dist/` (after build): walk up until it is found.
 */
function findProtoFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, PROTO_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new CdcStreamsError(`cannot find ${PROTO_RELATIVE_PATH} in any folder above ${fileURLToPath(import.meta.url)}`, {
        code: 'DTS_SCHEMA_MISSING',
      });
    }
    dir = parent;
  }
}

// Without long.js protobufjs hands out 64-bit values as (lossy) numbers; fail at load, not at row 2^53.
if (protobuf.util.Long === null || protobuf.util.Long === undefined) {
  throw new CdcStreamsError('protobufjs did not find long.js; 64-bit DTS fields would lose precision', {
    code: 'DTS_SCHEMA_LONG_MISSING',
  });
}

const root = new protobuf.Root();
root.loadSync(findProtoFile(), { keepCase: true });
root.resolveAll();

/** The reflected message types of schemas/dts/subscribe.proto, loaded once. */
export const dtsTypes = {
  Envelope: root.lookupType('dts.subscribe.Envelope'),
  Entries: root.lookupType('dts.subscribe.Entries'),
} as const;
