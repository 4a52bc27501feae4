import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpsReply } from '../ops-reply.js';

/**
 * Where `npm run build` puts the dashboard's page, script and styles: `<package>/dist/dashboard/`. This
 * file sits three folders below the package root both as source (src/ops/dashboard/) and built
 * (dist/ops/dashboard/), so one relative path serves both.
 */
export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

// One flat folder of built files: a name, never a path, so no request can leave it.
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>cdc-streams dashboard</title>
<p>The dashboard's page is not built. Run <code>npm run build</code> (or <code>npm run build:dashboard</code>) in the
cdc-streams checkout and reload. The JSON endpoints under <a href="/api/dashboard">/api/</a> work without it.</p>\n`;

/** `index.html` for `/`, a built file for `/assets/<name>`; 404 for other names, 503 when the page was never built. */
export async function assetReply(assetsDir: string, name: string): Promise<OpsReply> {
  const type = CONTENT_TYPES[extname(name)];
  if (!ASSET_NAME.test(name) || type === undefined) return notFound(name);
  const file = name === 'index.html' ? join(assetsDir, name) : join(assetsDir, 'assets', name);
  let body: string;
  try {
    body = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return name === 'index.html' ? { status: 503, contentType: CONTENT_TYPES['.html']!, body: NOT_BUILT } : notFound(name);
  }
  return { status: 200, contentType: type, body };
}

function notFound(name: string): OpsReply {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: `no dashboard asset named ${name}\n` };
}
