import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_VERSION, SLF4J_RELOAD4J_VERSION } from '../../../src/local-broker/kafka-version.js';
import { cacheRoot } from '../apicurio/apicurio-cache.js';

const run = promisify(execFile);

/**
 * The Debezium connector the tests run. Debezium's MySQL connector 3.6.1.Final refuses MariaDB 10.11
 * (it takes "10.11" for a MySQL >= 8.4 and sends SHOW BINARY LOG STATUS, which MariaDB does not know);
 * the MariaDB connector is published on Maven Central up to 3.5.0.Final, so that is the one we use.
 */
export const DEBEZIUM_VERSION = '3.5.0.Final';
export const DEBEZIUM_CONNECTOR_ARTIFACT = 'debezium-connector-mariadb';
export const DEBEZIUM_CONNECTOR_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';

const CONNECT_MARKER = `connect-runtime-${KAFKA_VERSION}.jar`;
const PLUGIN_MARKER = `${DEBEZIUM_CONNECTOR_ARTIFACT}-${DEBEZIUM_VERSION}.jar`;

export interface ConnectJars {
  /** Kafka Connect's worker classpath (connect-runtime, connect-json, connect-file and their dependencies). */
  readonly workerLibs: string;
  /** A Connect `plugin.path` holding the Debezium connector in its own folder. */
  readonly pluginPath: string;
}

/**
 * Kafka Connect 3.9.1 (the broker's version) and the Debezium connector, downloaded from Maven Central
 * once per machine into the same cache as the broker's jars. Each folder is filled in a temporary
 * folder beside it and renamed into place, so a concurrent or interrupted run never leaves half of it.
 */
export async function ensureConnectJars(log: (line: string) => void): Promise<ConnectJars> {
  const root = cacheRoot();
  const workerLibs = join(root, `kafka-connect-${KAFKA_VERSION}`, 'libs');
  const pluginPath = join(root, `debezium-${DEBEZIUM_VERSION}`, 'plugins');
  if (!existsSync(join(workerLibs, CONNECT_MARKER))) {
    log(`downloading Kafka Connect ${KAFKA_VERSION} jars from Maven Central into ${workerLibs}`);
    await mavenCopy(
      workerLibs,
      [
        ['org.apache.kafka', 'connect-runtime', KAFKA_VERSION],
        ['org.apache.kafka', 'connect-json', KAFKA_VERSION],
        ['org.apache.kafka', 'connect-file', KAFKA_VERSION],
        ['org.slf4j', 'slf4j-reload4j', SLF4J_RELOAD4J_VERSION],
      ],
      [],
      CONNECT_MARKER,
    );
  }
  const connectorDir = join(pluginPath, DEBEZIUM_CONNECTOR_ARTIFACT);
  if (!existsSync(join(connectorDir, PLUGIN_MARKER))) {
    log(`downloading Debezium ${DEBEZIUM_CONNECTOR_ARTIFACT} ${DEBEZIUM_VERSION} from Maven Central into ${connectorDir}`);
    // The worker provides the Kafka and SLF4J APIs; a plugin carrying its own copies would shadow them.
    await mavenCopy(connectorDir, [['io.debezium', DEBEZIUM_CONNECTOR_ARTIFACT, DEBEZIUM_VERSION]], ['org.apache.kafka', 'org.slf4j'], PLUGIN_MARKER);
  }
  return { workerLibs, pluginPath };
}

async function mavenCopy(target: string, artifacts: ReadonlyArray<readonly [string, string, string]>, excludeGroups: readonly string[], marker: string): Promise<void> {
  const parent = join(target, '..');
  await mkdir(parent, { recursive: true });
  const work = await mkdtemp(join(parent, '.download-'));
  try {
    const dependencies = artifacts
      .map(([group, artifact, version]) => `<dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`)
      .join('\n    ');
    await writeFile(
      join(work, 'pom.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.cdc-streams</groupId>
  <artifactId>test-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${dependencies}
  </dependencies>
</project>
`,
    );
    const staged = join(work, 'libs');
    const args = ['-q', '-B', '-f', join(work, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staged}`];
    if (excludeGroups.length > 0) args.push(`-DexcludeGroupIds=${excludeGroups.join(',')}`);
    await run('mvn', args, { cwd: work, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 });
    if (!existsSync(join(staged, marker))) throw new Error(`mvn did not fetch ${marker} into ${staged}`);
    await rename(staged, target).catch((error: NodeJS.ErrnoException) => {
      // Another run won the race and put a complete copy in place; use that one.
      if (!existsSync(join(target, marker))) throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
