import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../apicurio/apicurio-process.js';
import { findNewestJava } from '../apicurio/find-java.js';
import { ensureConnectJars } from './connect-jars.js';

export interface ConnectOptions {
  readonly brokers: string;
  /** Connector configurations (each needs a `name`); started with the worker. */
  readonly connectors: ReadonlyArray<Readonly<Record<string, string>>>;
  /** JSON converters' `schemas.enable` for keys and values (the schema envelope); default true. */
  readonly schemas?: boolean;
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
}

export interface RunningConnect {
  readonly restUrl: string;
  /** The worker's recent log lines, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A Kafka Connect standalone worker (Kafka 3.9.1's, from Maven Central) with the Debezium plugin,
 * offsets in a temporary file, REST on a free loopback port. Resolves once every connector and its
 * task report RUNNING; stop() ends the worker and deletes its files.
 */
export async function startKafkaConnect(options: ConnectOptions): Promise<RunningConnect> {
  const log = options.log ?? (() => undefined);
  const jars = await ensureConnectJars(log);
  const java = await findNewestJava();
  if (java === undefined) throw new Error('no Java runtime found (JAVA_HOME, PATH, /usr/lib/jvm); Kafka Connect needs Java 17+');
  const home = await mkdtemp(join(tmpdir(), 'cdc-streams-connect-'));
  const port = await freePort();
  const schemas = String(options.schemas ?? true);
  const worker = {
    'bootstrap.servers': options.brokers,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': schemas,
    'value.converter.schemas.enable': schemas,
    'offset.storage.file.filename': join(home, 'offsets.dat'),
    'offset.flush.interval.ms': '1000',
    'plugin.path': jars.pluginPath,
    listeners: `http://127.0.0.1:${port}`,
  };
  await writeFile(join(home, 'worker.properties'), properties(worker));
  const connectorFiles: string[] = [];
  for (const [i, connector] of options.connectors.entries()) {
    const file = join(home, `connector-${i}.properties`);
    await writeFile(file, properties(connector));
    connectorFiles.push(file);
  }
  await writeFile(
    join(home, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      // The plugin scan reports Debezium's CloudEvents converter, built for Kafka 4, as unusable: noise here.
      'log4j.logger.org.apache.kafka.connect.runtime.isolation=FATAL',
      'log4j.logger.org.reflections=FATAL',
      '',
    ].join('\n'),
  );
  const child = spawn(
    java.bin,
    [
      '-Xmx384m',
      '-Xms64m',
      `-Dlog4j.configuration=file:${join(home, 'log4j.properties')}`,
      '-cp',
      `${jars.workerLibs}/*`,
      'org.apache.kafka.connect.cli.ConnectStandalone',
      join(home, 'worker.properties'),
      ...connectorFiles,
    ],
    { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const restUrl = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await stopChild(child);
    await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const names = options.connectors.map((c) => c['name'] ?? '?');
  for (;;) {
    let state: true | string;
    try {
      state = await connectorStates(restUrl, names);
    } catch (error) {
      await stop();
      throw new Error(`${error instanceof Error ? error.message : String(error)}; log:\n${output}`);
    }
    if (state === true) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Kafka Connect did not get its connectors running (${state}); log:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log(`Kafka Connect on ${restUrl} running ${names.join(', ')}`);
  return { restUrl, output: () => output, stop };
}

/** true when every connector and task is RUNNING, else what was seen (for the timeout message). */
async function connectorStates(restUrl: string, names: readonly string[]): Promise<true | string> {
  for (const name of names) {
    try {
      const response = await fetch(`${restUrl}/connectors/${encodeURIComponent(name)}/status`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) return `${name}: HTTP ${response.status}`;
      const status = (await response.json()) as { connector?: { state?: string }; tasks?: Array<{ state?: string; trace?: string }> };
      const tasks = status.tasks ?? [];
      if (status.connector?.state !== 'RUNNING' || tasks.length === 0 || tasks.some((t) => t.state !== 'RUNNING')) {
        const failed = tasks.find((t) => t.state === 'FAILED');
        if (failed !== undefined) throw new Error(`connector ${name} task FAILED: ${failed.trace ?? ''}`);
        return `${name}: connector ${status.connector?.state ?? '?'}, tasks ${tasks.map((t) => t.state).join(',') || 'none'}`;
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('connector ')) throw error;
      // Connection refused while the JVM starts; the caller decides when to give up.
      return `${name}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return true;
}

function properties(values: Readonly<Record<string, string>>): string {
  return `${Object.entries(values)
    .map(([key, value]) => `${key}=${value.replace(/\\/g, '\\\\')}`)
    .join('\n')}\n`;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
