import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KafkaJarsFetchError } from './broker-errors.js';
import { kafkaHomeDir, kafkaLibsDir } from './cache-paths.js';
import { KAFKA_MAIN_JAR, KAFKA_VERSION } from './kafka-version.js';
import { renderKafkaPom } from './maven-pom.js';
import { runCommand, tail } from './run-command.js';

const MAVEN_TIMEOUT_MS = 10 * 60_000;

/** True when a complete copy of the broker's jars is already in the cache. */
export function kafkaJarsCached(cacheDir: string): boolean {
  return existsSync(path.join(kafkaLibsDir(cacheDir), KAFKA_MAIN_JAR));
}

/**
 * Returns the cached `libs` folder, downloading the jars with Maven first if needed. The download
 * goes into a temporary folder beside the cache and is renamed into place in one step, so a
 * concurrent run sees either no cache or a complete one, never half of it.
 */
export async function ensureKafkaJars(cacheDir: string, log: (line: string) => void): Promise<string> {
  const libsDir = kafkaLibsDir(cacheDir);
  if (kafkaJarsCached(cacheDir)) return libsDir;

  const homeDir = kafkaHomeDir(cacheDir);
  await mkdir(homeDir, { recursive: true });
  const workDir = await mkdtemp(path.join(homeDir, '.download-'));
  try {
    log(`downloading Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${libsDir}`);
    const pomFile = path.join(workDir, 'pom.xml');
    const stagedLibs = path.join(workDir, 'libs');
    await writeFile(pomFile, renderKafkaPom());
    const result = await runCommand(
      'mvn',
      ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${stagedLibs}`],
      { timeoutMs: MAVEN_TIMEOUT_MS, cwd: workDir },
    );
    if (result.spawnError !== undefined) {
      throw new KafkaJarsFetchError(`cannot run mvn to fetch the Kafka jars: ${result.spawnError.message}`, result.spawnError);
    }
    if (result.exitCode !== 0 || !existsSync(path.join(stagedLibs, KAFKA_MAIN_JAR))) {
      const why = result.timedOut ? `timed out after ${MAVEN_TIMEOUT_MS / 1000} s` : `exited with ${String(result.exitCode)}`;
      throw new KafkaJarsFetchError(
        `mvn dependency:copy-dependencies for org.apache.kafka:kafka_2.13:${KAFKA_VERSION} ${why} ` +
          `(is Maven Central reachable?):\n${tail(result.output, 20)}`,
      );
    }
    await publish(stagedLibs, libsDir);
    return libsDir;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Moves the staged folder into place; losing the race to a concurrent run is fine, its copy is complete. */
async function publish(stagedLibs: string, libsDir: string): Promise<void> {
  try {
    await rename(stagedLibs, libsDir);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    const lostRace = (code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(path.join(libsDir, KAFKA_MAIN_JAR));
    if (!lostRace) throw error;
  }
}
