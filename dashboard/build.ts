/**
 * Builds the ops dashboard's page into dist/dashboard/ (index.html, assets/app.js, assets/app.css):
 * Preact, uPlot and dagre bundled by esbuild, nothing fetched at run time. `npm run build` runs it;
 * the browser tests and `npm run demo` run it too, so a fresh clone needs no separate step.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const DASHBOARD_OUT_DIR = join(here, '..', 'dist', 'dashboard');

export async function buildDashboard(outDir: string = DASHBOARD_OUT_DIR): Promise<void> {
  await mkdir(join(outDir, 'assets'), { recursive: true });
  await build({
    entryPoints: { app: join(here, 'src', 'main.tsx') },
    outdir: join(outDir, 'assets'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(here, 'index.html'), join(outDir, 'index.html'));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildDashboard(process.argv[2] ?? DASHBOARD_OUT_DIR);
}
