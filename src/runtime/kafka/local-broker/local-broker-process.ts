import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrokerStartError } from './broker-errors.js';
import { generateClusterId, renderLog4jProperties, renderServerProperties } from './broker-config.js';
import type { BrokerLog } from './broker-handle.js';
import { oneLine, waitForBroker } from './broker-probe.js';
import { ensureKafkaJars } from './kafka-jars.js';
import { KAFKA_VERSION } from './kafka-version.js';
import { assertPortFree, LOOPBACK, pickFreePorts } from './ports.js';
import { runCommand, tail } from './run-command.js';

const ANSWER_DEADLINE_MS = 60_000;
const FORMAT_TIMEOUT_MS = 60_000;
const HEAP = ['-Xmx512m', '-Xms512m'];

export interface LaunchOptions {
  readonly cacheDir: string;
  /** A fixed client port; without it a free one is picked. */
  readonly port?: number;
  /** Detached brokers outlive this process (the CLI's `kafka start`); attached ones die with it. */
  readonly detached: boolean;
  readonly log: BrokerLog;
}

export interface LaunchedBroker {
  readonly pid: number;
  readonly brokers: string;
  /** Temporary folder with the config, the logs and the partitions; removed when the broker stops. */
  readonly dataDir: string;
  readonly logFile: string;
  readonly startedAt: string;
  readonly startupMs: number;
  /** Present for attached brokers only. */
  readonly child?: ChildProcess;
}

interface BrokerFiles {
  readonly dataDir: string;
  readonly serverProperties: string;
  readonly log4jProperties: string;
  readonly logFile: string;
  readonly stdoutFile: string;
}

async function writeBrokerFiles(port: number, controllerPort: number): Promise<BrokerFiles> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cdc-streams-kafka-'));
  const files: BrokerFiles = {
    dataDir,
    serverProperties: path.join(dataDir, 'server.properties'),
    log4jProperties: path.join(dataDir, 'log4j.properties'),
    logFile: path.join(dataDir, 'broker.log'),
    stdoutFile: path.join(dataDir, 'stdout.log'),
  };
  const logDir = path.join(dataDir, 'data');
  await mkdir(logDir);
  await writeFile(files.serverProperties, renderServerProperties({ port, controllerPort, logDir }));
  await writeFile(files.log4jProperties, renderLog4jProperties(files.logFile));
  return files;
}

function javaArgs(libsDir: string, files: BrokerFiles, mainClass: string, rest: readonly string[]): string[] {
  // Java expands the trailing `*` of a classpath entry itself; no shell is involved.
  return [...HEAP, '-cp', path.join(libsDir, '*'), `-Dlog4j.configuration=file:${files.log4jProperties}`, mainClass, ...rest];
}

async function logTail(files: BrokerFiles): Promise<string> {
  const parts: string[] = [];
  for (const file of [files.logFile, files.stdoutFile]) {
    if (!existsSync(file)) continue;
    const text = tail(await readFile(file, 'utf8'), 30);
    if (text !== '') parts.push(`--- ${file} ---\n${text}`);
  }
  return parts.length === 0 ? '(the broker wrote no log)' : parts.join('\n');
}

async function choosePorts(requested: number | undefined): Promise<[number, number]> {
  if (requested === undefined) {
    const [port, controllerPort] = await pickFreePorts(2);
    if (port === undefined || controllerPort === undefined) throw new Error('pickFreePorts(2) returned fewer than two ports');
    return [port, controllerPort];
  }
  await assertPortFree(requested);
  let [controllerPort] = await pickFreePorts(1);
  while (controllerPort === requested) [controllerPort] = await pickFreePorts(1);
  if (controllerPort === undefined) throw new Error('pickFreePorts(1) returned no port');
  return [requested, controllerPort];
}

/**
 * Starts Apache Kafka as a one-node KRaft broker on 127.0.0.1 from the cached jars: fetch the jars if
 * needed, write a config into a fresh temporary folder, format the storage, start the JVM and wait
 * until it answers a metadata request. On failure the JVM is killed and the error carries its log.
 */
export async function launchLocalBroker(options: LaunchOptions): Promise<LaunchedBroker> {
  // Measured from the request, so a cold start's figure includes the download.
  const started = Date.now();
  // Ports first: a taken port should fail at once, not after a download.
  const [port, controllerPort] = await choosePorts(options.port);
  const libsDir = await ensureKafkaJars(options.cacheDir, options.log);
  const brokers = `${LOOPBACK}:${port}`;
  const files = await writeBrokerFiles(port, controllerPort);

  const format = await runCommand(
    'java',
    javaArgs(libsDir, files, 'kafka.tools.StorageTool', ['format', '-t', generateClusterId(), '-c', files.serverProperties]),
    { timeoutMs: FORMAT_TIMEOUT_MS },
  );
  if (format.exitCode !== 0) {
    const why = format.spawnError?.message ?? (format.timedOut ? 'timed out' : `exited with ${String(format.exitCode)}`);
    throw new BrokerStartError(
      `formatting KRaft storage in ${files.dataDir} failed (${why}):\n${tail(format.output, 20)}`,
      format.spawnError,
    );
  }

  const out = openSync(files.stdoutFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('java', javaArgs(libsDir, files, 'kafka.Kafka', [files.serverProperties]), {
      detached: options.detached,
      stdio: ['ignore', out, out],
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(out);
  }
  let exitReason: string | undefined;
  child.once('error', (error) => {
    exitReason = `java could not be started: ${error.message}`;
  });
  child.once('exit', (code, sig) => {
    exitReason ??= `the broker process exited early (${sig ?? `code ${String(code)}`})`;
  });

  try {
    await waitForBroker(brokers, { deadlineMs: ANSWER_DEADLINE_MS, gaveUp: () => exitReason });
  } catch (error) {
    if (child.pid !== undefined && exitReason === undefined) child.kill('SIGKILL');
    const why = error instanceof Error ? oneLine(error.message) : String(error);
    throw new BrokerStartError(
      `local Kafka ${KAFKA_VERSION} on ${brokers} did not start: ${why}\n` +
        `(files kept in ${files.dataDir})\n${await logTail(files)}`,
      error,
    );
  }
  if (child.pid === undefined) throw new BrokerStartError(`local Kafka on ${brokers} answered but its process has no pid`);
  if (options.detached) child.unref();

  const startupMs = Date.now() - started;
  options.log(`local Kafka ${KAFKA_VERSION} answers on ${brokers} after ${(startupMs / 1000).toFixed(1)} s (pid ${child.pid}, log ${files.logFile})`);
  return {
    pid: child.pid,
    brokers,
    dataDir: files.dataDir,
    logFile: files.logFile,
    startedAt: new Date(started).toISOString(),
    startupMs,
    ...(options.detached ? {} : { child }),
  };
}

/** Removes a stopped broker's temporary folder. */
export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
}
