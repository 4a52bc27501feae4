import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CdcStreamsError } from '../src/index.js';
import { resolveCacheDir } from '../src/local-broker/index.js';
import { runCommand, tail } from '../src/local-broker/run-command.js';

/** The Maven project of the Kafka Streams peer (Kafka Streams 3.9.1, see its pom.xml). */
export const KAFKA_STREAMS_PEER_DIR = fileURLToPath(new URL('./peers/kafka-streams/', import.meta.url));
const MAVEN_TIMEOUT_MS = 15 * 60_000;

/** The peer's jar could not be built (no mvn, Maven Central unreachable, a compile error). */
export class PeerBuildError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'BENCH_PEER_BUILD', cause });
  }
}

/**
 * Returns the path of the peer's shaded jar, building it first with `mvn -q -B package` if the cache
 * has none for the current sources. The jar is cached outside the repository (beside the broker's jars,
 * `$CDC_STREAMS_CACHE` or `~/.cache/cdc-streams`) under a hash of pom.xml and src/, so an edit of the
 * peer rebuilds it and a fresh clone builds it once. The build runs in a temporary copy of the project,
 * leaving no `target/` in the repository.
 */
export async function ensureKafkaStreamsPeerJar(log: (line: string) => void): Promise<string> {
  const hash = await sourceHash(KAFKA_STREAMS_PEER_DIR);
  const cacheDir = join(resolveCacheDir(process.env, homedir()), 'bench-peers');
  const jar = join(cacheDir, `kafka-streams-peer-${hash}.jar`);
  if (existsSync(jar)) return jar;

  await mkdir(cacheDir, { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), 'cdc-streams-peer-build-'));
  try {
    await cp(join(KAFKA_STREAMS_PEER_DIR, 'pom.xml'), join(workDir, 'pom.xml'));
    await cp(join(KAFKA_STREAMS_PEER_DIR, 'src'), join(workDir, 'src'), { recursive: true });
    log(`building the Kafka Streams peer with mvn -q -B package (dependencies from Maven Central) into ${jar}`);
    const result = await runCommand('mvn', ['-q', '-B', 'package'], { timeoutMs: MAVEN_TIMEOUT_MS, cwd: workDir });
    if (result.spawnError !== undefined) throw new PeerBuildError(`cannot run mvn to build the Kafka Streams peer: ${result.spawnError.message}`, result.spawnError);
    const built = join(workDir, 'target', 'kafka-streams-peer.jar');
    if (result.exitCode !== 0 || !existsSync(built)) {
      const why = result.timedOut ? `timed out after ${MAVEN_TIMEOUT_MS / 1000} s` : `exited with ${String(result.exitCode)}`;
      throw new PeerBuildError(`mvn package of ${KAFKA_STREAMS_PEER_DIR} ${why} (is Maven Central reachable?):\n${tail(result.output, 30)}`);
    }
    // Copied under a temporary name and renamed, so a concurrent bench never runs half a jar.
    const staged = `${jar}.${process.pid}.tmp`;
    await copyFile(built, staged);
    await rename(staged, jar);
    await removeOtherBuilds(cacheDir, jar, log);
    return jar;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Each edit of the peer leaves an 80 MB jar behind; only the newest is kept. (A bench of another
 * checkout still running an older one keeps its open file; its next run rebuilds.)
 */
async function removeOtherBuilds(cacheDir: string, current: string, log: (line: string) => void): Promise<void> {
  const others = (await readdir(cacheDir)).filter((f) => /^kafka-streams-peer-[0-9a-f]{16}\.jar$/.test(f) && join(cacheDir, f) !== current);
  for (const file of others) await rm(join(cacheDir, file), { force: true });
  if (others.length > 0) log(`removed ${others.length} older build${others.length === 1 ? '' : 's'} of the peer from ${cacheDir}`);
}

/** SHA-256 (first 16 hex digits) over pom.xml and every file under src/, by relative path. */
async function sourceHash(projectDir: string): Promise<string> {
  const files = [join(projectDir, 'pom.xml'), ...(await listFiles(join(projectDir, 'src')))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(projectDir, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}
