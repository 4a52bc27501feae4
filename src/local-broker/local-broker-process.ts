import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrokerStartError } from './broker-errors.js';
import { generateClusterId, renderLog4jProperties, renderServerProperties } from './broker-config.js';
import type { BrokerLog } from './broker-handle.js';
import { oneLine, probeBroker, waitForBroker } from '../runtime/kafka/client-facade.js';
import {
  scramFormatArgs,
  validateSecurity,
  type BrokerSecurityOptions,
  type SecuredListeners,
  type SecuredPorts,
} from './broker-security.js';
import { ensureKafkaJars } from './kafka-jars.js';
import { KAFKA_VERSION } from './kafka-version.js';
import { assertPortFree, LOOPBACK, pickFreePorts } from './ports.js';
import { runCommand, tail } from './run-command.js';
import { generateTlsMaterial } from './tls-material.js';

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
  /** Secured listeners to add beside the plain one (which stays, for tools and for the broker itself). */
  readonly security?: BrokerSecurityOptions;
}

export interface LaunchedBroker {
  readonly pid: number;
  readonly brokers: string;
  /** Temporary folder with the config, the logs and the partitions; removed when the broker stops. */
  readonly dataDir: string;
  readonly logFile: string;
  readonly startedAt: string;
  readonly startupMs: number;
  /** How to reach the secured listeners, when they were asked for. */
  readonly secured?: SecuredListeners;
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

interface BrokerPorts {
  readonly port: number;
  readonly controllerPort: number;
  readonly secured: SecuredPorts;
}

/** Where a broker's config, logs and partitions live inside its folder. */
function brokerFilesIn(dataDir: string): BrokerFiles {
  return {
    dataDir,
    serverProperties: path.join(dataDir, 'server.properties'),
    log4jProperties: path.join(dataDir, 'log4j.properties'),
    logFile: path.join(dataDir, 'broker.log'),
    stdoutFile: path.join(dataDir, 'stdout.log'),
  };
}

/** The config, and for a secured broker its certificates (in `tls/`), in a fresh temporary folder. */
async function writeBrokerFiles(ports: BrokerPorts, security: BrokerSecurityOptions | undefined): Promise<BrokerFiles & { secured?: SecuredListeners }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cdc-streams-kafka-'));
  const files = brokerFilesIn(dataDir);
  const logDir = path.join(dataDir, 'data');
  await mkdir(logDir);
  const { port, controllerPort } = ports;
  if (security === undefined) {
    await writeFile(files.serverProperties, renderServerProperties({ port, controllerPort, logDir }));
    await writeFile(files.log4jProperties, renderLog4jProperties(files.logFile));
    return files;
  }
  const tls = await generateTlsMaterial(path.join(dataDir, 'tls'), { clientCertificate: security.mutualTls === true });
  const tlsFiles = { keystoreFile: tls.brokerKeystoreFile, truststoreFile: tls.caFile };
  await writeFile(files.serverProperties, renderServerProperties({ port, controllerPort, logDir, secured: { ports: ports.secured, files: tlsFiles } }));
  await writeFile(files.log4jProperties, renderLog4jProperties(files.logFile));
  const { saslSslPort, mutualTlsPort } = ports.secured;
  const secured: SecuredListeners = {
    caFile: tls.caFile,
    ...(saslSslPort === undefined
      ? {}
      : { saslSsl: { brokers: `${LOOPBACK}:${saslSslPort}`, mechanisms: ['scram-sha-256', 'scram-sha-512'], users: security.scramUsers ?? [] } }),
    ...(mutualTlsPort === undefined || tls.client === undefined
      ? {}
      : { mutualTls: { brokers: `${LOOPBACK}:${mutualTlsPort}`, certFile: tls.client.certFile, keyFile: tls.client.keyFile } }),
  };
  return { ...files, secured };
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

/** The client port (requested or free), the controller's, and one per secured listener. */
async function choosePorts(requested: number | undefined, security: BrokerSecurityOptions | undefined): Promise<BrokerPorts> {
  const saslSsl = (security?.scramUsers ?? []).length > 0;
  const mutualTls = security?.mutualTls === true;
  const others = 1 + (saslSsl ? 1 : 0) + (mutualTls ? 1 : 0);
  if (requested !== undefined) await assertPortFree(requested);
  let picked = await pickFreePorts(requested === undefined ? others + 1 : others);
  while (requested !== undefined && picked.includes(requested)) picked = await pickFreePorts(others);
  const [port, controllerPort, ...rest] = requested === undefined ? picked : [requested, ...picked];
  if (port === undefined || controllerPort === undefined) throw new Error(`pickFreePorts returned fewer ports than asked for`);
  const saslSslPort = saslSsl ? rest.shift() : undefined;
  const mutualTlsPort = mutualTls ? rest.shift() : undefined;
  return {
    port,
    controllerPort,
    secured: { ...(saslSslPort === undefined ? {} : { saslSslPort }), ...(mutualTlsPort === undefined ? {} : { mutualTlsPort }) },
  };
}

/**
 * Connects once to each secured listener the way a client would (the CA, a SCRAM user, the client
 * certificate), so a broker whose secured side does not work fails its start instead of a test later.
 */
async function probeSecuredListeners(secured: SecuredListeners): Promise<void> {
  const ca = await readFile(secured.caFile, 'utf8');
  const saslSsl = secured.saslSsl;
  const user = saslSsl?.users[0];
  if (saslSsl !== undefined && user !== undefined) {
    const sasl = { mechanism: 'scram-sha-512' as const, username: user.username, password: user.password };
    await probeListener('SASL_SSL', saslSsl.brokers, () => probeBroker(saslSsl.brokers, { ssl: { ca: [ca] }, sasl }));
  }
  const mtls = secured.mutualTls;
  if (mtls !== undefined) {
    const ssl = { ca: [ca], cert: await readFile(mtls.certFile, 'utf8'), key: await readFile(mtls.keyFile, 'utf8') };
    await probeListener('SSL', mtls.brokers, () => probeBroker(mtls.brokers, { ssl }));
  }
}

async function probeListener(name: string, brokers: string, probe: () => Promise<void>): Promise<void> {
  try {
    await probe();
  } catch (error) {
    throw new Error(`the ${name} listener on ${brokers} refused a correctly configured client: ${error instanceof Error ? oneLine(error.message) : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Starts Apache Kafka as a one-node KRaft broker on 127.0.0.1 from the cached jars: fetch the jars if
 * needed, write a config into a fresh temporary folder, format the storage, start the JVM and wait
 * until it answers a metadata request. On failure the JVM is killed and the error carries its log.
 */
export async function launchLocalBroker(options: LaunchOptions): Promise<LaunchedBroker> {
  // Measured from the request, so a cold start's figure includes the download.
  const started = Date.now();
  if (options.security !== undefined) validateSecurity(options.security);
  // Ports first: a taken port should fail at once, not after a download.
  const ports = await choosePorts(options.port, options.security);
  const libsDir = await ensureKafkaJars(options.cacheDir, options.log);
  const brokers = `${LOOPBACK}:${ports.port}`;
  const files = await writeBrokerFiles(ports, options.security);

  // SCRAM credentials live in the cluster metadata: KRaft takes them only when the storage is formatted.
  const scram = scramFormatArgs(options.security?.scramUsers ?? []);
  const format = await runCommand(
    'java',
    javaArgs(libsDir, files, 'kafka.tools.StorageTool', ['format', '-t', generateClusterId(), '-c', files.serverProperties, ...scram]),
    { timeoutMs: FORMAT_TIMEOUT_MS },
  );
  if (format.exitCode !== 0) {
    const why = format.spawnError?.message ?? (format.timedOut ? 'timed out' : `exited with ${String(format.exitCode)}`);
    throw new BrokerStartError(
      `formatting KRaft storage in ${files.dataDir} failed (${why}):\n${tail(format.output, 20)}`,
      format.spawnError,
    );
  }

  return spawnBroker({ libsDir, files, brokers, started, detached: options.detached, log: options.log });
}

/**
 * Starts a broker again on the folder of one that was stopped (its config, ports, KRaft metadata and
 * partitions), as an operator restarts a broker: no format, the same client port. Plain listener only.
 */
export async function relaunchLocalBroker(options: {
  readonly cacheDir: string;
  readonly dataDir: string;
  readonly brokers: string;
  readonly detached: boolean;
  readonly log: BrokerLog;
}): Promise<LaunchedBroker> {
  const started = Date.now();
  const files = brokerFilesIn(options.dataDir);
  if (!existsSync(files.serverProperties)) throw new BrokerStartError(`no broker config in ${options.dataDir}: it was never started there`);
  const libsDir = await ensureKafkaJars(options.cacheDir, options.log);
  return spawnBroker({ libsDir, files, brokers: options.brokers, started, detached: options.detached, log: options.log });
}

/** Starts the JVM on prepared files and waits until it answers; on failure it is killed and the error carries its log. */
async function spawnBroker(input: {
  readonly libsDir: string;
  readonly files: BrokerFiles & { secured?: SecuredListeners };
  readonly brokers: string;
  readonly started: number;
  readonly detached: boolean;
  readonly log: BrokerLog;
}): Promise<LaunchedBroker> {
  const { libsDir, files, brokers, started } = input;
  const options = { detached: input.detached, log: input.log };
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
    if (files.secured !== undefined) await probeSecuredListeners(files.secured);
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
  const securedOn = [files.secured?.saslSsl?.brokers, files.secured?.mutualTls?.brokers].filter((b) => b !== undefined);
  options.log(
    `local Kafka ${KAFKA_VERSION} answers on ${[brokers, ...securedOn].join(', ')} after ${(startupMs / 1000).toFixed(1)} s (pid ${child.pid}, log ${files.logFile})`,
  );
  return {
    pid: child.pid,
    brokers,
    dataDir: files.dataDir,
    logFile: files.logFile,
    startedAt: new Date(started).toISOString(),
    startupMs,
    ...(files.secured === undefined ? {} : { secured: files.secured }),
    ...(options.detached ? {} : { child }),
  };
}

/** Removes a stopped broker's temporary folder. */
export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
}
