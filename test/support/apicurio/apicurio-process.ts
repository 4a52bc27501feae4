import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { APICURIO_VERSION, APICURIO_VERSION_JAVA17, ensureApicurio, runJarIn } from './apicurio-cache.js';
import { findNewestJava } from './find-java.js';

/** The Confluent-compatible API of Apicurio 3.x. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `true` once `GET /subjects` succeeds, otherwise why not (kept for the timeout message). */
async function probe(url: string): Promise<true | string> {
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? true : `HTTP ${response.status}`;
  } catch (error) {
    // Connection refused is the expected answer while the JVM starts; the caller decides when to give up.
    return error instanceof Error ? error.message : String(error);
  }
}

export interface RunningApicurio {
  readonly url: string;
  readonly startMs: number;
  readonly version: string;
  stop(): Promise<void>;
}

/** Starts Apicurio (in-memory storage, ~256 MB heap) on a free port and waits until it answers. */
export async function startApicurio(options: { timeoutMs?: number } = {}): Promise<RunningApicurio> {
  const java = await findNewestJava();
  if (java === undefined) throw new Error('no Java runtime found (JAVA_HOME, PATH, /usr/lib/jvm); Apicurio needs Java 17+');
  const version = java.major >= 21 ? APICURIO_VERSION : APICURIO_VERSION_JAVA17;
  const home = await ensureApicurio(version);
  const jar = runJarIn(home);
  if (jar === undefined) throw new Error(`no quarkus-run.jar under ${home}`);
  const port = await freePort();
  // Quarkus also opens a management interface, on 0.0.0.0:9000 by default: two registries (two test
  // runs) would collide there, so it gets a free port of its own on loopback.
  const managementPort = await freePort();
  const started = Date.now();
  const args = [
    '-Xmx256m',
    '-Xms64m',
    `-Dquarkus.http.port=${port}`,
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.management.port=${managementPort}`,
    '-Dquarkus.management.host=127.0.0.1',
    '-jar',
    jar,
  ];
  const child = spawn(java.bin, args, {
    cwd: home,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const url = `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
  const deadline = started + (options.timeoutMs ?? 120_000);
  for (let last = await probe(url); last !== true; last = await probe(url)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      process.off('exit', killOnExit);
      throw new Error(`Apicurio did not start (exit code ${child.exitCode}, last probe: ${last}); output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    startMs: Date.now() - started,
    version,
    async stop() {
      process.off('exit', killOnExit);
      await stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
