import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Apicurio Registry 3.x: speaks the Confluent API under /apis/ccompat/v7, in-memory by default.
 * 3.3.x is built for Java 21; 3.0.9 is the newest release that still runs on Java 17.
 */
export const APICURIO_VERSION = '3.3.3';
export const APICURIO_VERSION_JAVA17 = '3.0.9';

export function cacheRoot(): string {
  const explicit = process.env['CDC_STREAMS_CACHE'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'cdc-streams');
}

/**
 * The unpacked Apicurio app, downloaded from Maven Central once per machine. It is unpacked into a
 * temporary folder beside the final one and renamed into place, so an interrupted download never
 * leaves a half-filled cache that later runs would trust.
 */
export async function ensureApicurio(version = APICURIO_VERSION): Promise<string> {
  const root = cacheRoot();
  const home = join(root, `apicurio-${version}`);
  if (runJarIn(home) !== undefined) return home;
  await mkdir(root, { recursive: true });
  const work = await mkdtemp(join(root, `.apicurio-${version}-`));
  try {
    await run('mvn', [
      '-q', '-B', 'dependency:copy',
      `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
      `-DoutputDirectory=${work}`,
    ], { maxBuffer: 16 * 1024 * 1024 });
    const archive = join(work, `apicurio-registry-app-${version}-all.tar.gz`);
    const unpacked = join(work, 'app');
    await mkdir(unpacked);
    await run('tar', ['-xzf', archive, '-C', unpacked]);
    const app = await findQuarkusApp(unpacked);
    await rename(app, home).catch(async (error: NodeJS.ErrnoException) => {
      // Another run won the race and put a complete copy in place; use that one.
      if (runJarIn(home) === undefined) throw error;
    });
    return home;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The Quarkus launcher jar: at the top of the archive in 3.x, under quarkus-app/ in other packagings. */
export function runJarIn(home: string): string | undefined {
  for (const candidate of [join(home, 'quarkus-run.jar'), join(home, 'quarkus-app', 'quarkus-run.jar')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function findQuarkusApp(dir: string): Promise<string> {
  if (runJarIn(dir) !== undefined) return dir;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && runJarIn(join(dir, entry.name)) !== undefined) return join(dir, entry.name);
  }
  throw new Error(`no quarkus-run.jar in the Apicurio archive unpacked at ${dir}`);
}
