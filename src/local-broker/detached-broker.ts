import { homedir } from 'node:os';
import { NoBrokerAvailableError } from './broker-errors.js';
import type { BrokerLog } from './broker-handle.js';
import { validateSecurity, type BrokerSecurityOptions } from './broker-security.js';
import { oneLine, probeBroker } from '../runtime/kafka/client-facade.js';
import { resolveCacheDir, runRecordPath } from './cache-paths.js';
import { launchLocalBroker, removeDataDir } from './local-broker-process.js';
import { missingLocalBrokerTools } from './missing-tools.js';
import { noBrokerMessage } from './no-broker-message.js';
import { commandLineOf, isAlive, terminate } from './process-control.js';
import { readBrokerRecord, removeBrokerRecord, writeBrokerRecord, type BrokerRecord } from './run-record.js';

export interface LocalBrokerOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cacheDir?: string;
  readonly log?: BrokerLog;
}

export type LocalBrokerStatus =
  | { readonly state: 'not-started' }
  /** A record exists but its process is gone (killed, machine rebooted). */
  | { readonly state: 'dead'; readonly record: BrokerRecord }
  | { readonly state: 'running'; readonly record: BrokerRecord; readonly answers: true }
  | { readonly state: 'running'; readonly record: BrokerRecord; readonly answers: false; readonly error: string };

function cacheDirOf(options: LocalBrokerOptions): string {
  return options.cacheDir ?? resolveCacheDir(options.env ?? process.env, homedir());
}

/** The recorded pid is ours only if it still runs a Kafka broker on the recorded folder (pids get reused). */
async function recordedProcessAlive(record: BrokerRecord): Promise<boolean> {
  if (!isAlive(record.pid)) return false;
  const commandLine = await commandLineOf(record.pid);
  return commandLine !== undefined && commandLine.includes('kafka.Kafka') && commandLine.includes(record.dataDir);
}

export async function localBrokerStatus(options: LocalBrokerOptions = {}): Promise<LocalBrokerStatus> {
  const record = await readBrokerRecord(runRecordPath(cacheDirOf(options)));
  if (record === undefined) return { state: 'not-started' };
  if (!(await recordedProcessAlive(record))) return { state: 'dead', record };
  try {
    await probeBroker(record.brokers, { connectionTimeoutMs: 3_000 });
    return { state: 'running', record, answers: true };
  } catch (error) {
    return { state: 'running', record, answers: false, error: error instanceof Error ? oneLine(error.message) : String(error) };
  }
}

/**
 * Starts a local broker that outlives this process (for `cdc-streams kafka start`) and records it.
 * If a recorded broker still runs, it is returned instead of starting a second one. With `security`,
 * the broker also gets secured listeners (docs/local-broker.md).
 */
export async function startLocalBroker(
  options: LocalBrokerOptions & { readonly port?: number; readonly security?: BrokerSecurityOptions } = {},
): Promise<{ readonly record: BrokerRecord; readonly alreadyRunning: boolean; readonly startupMs: number }> {
  if (options.security !== undefined) validateSecurity(options.security);
  const cacheDir = cacheDirOf(options);
  const recordFile = runRecordPath(cacheDir);
  const existing = await readBrokerRecord(recordFile);
  if (existing !== undefined) {
    if (await recordedProcessAlive(existing)) return { record: existing, alreadyRunning: true, startupMs: 0 };
    await removeDataDir(existing.dataDir);
    await removeBrokerRecord(recordFile);
  }
  const missingTools = await missingLocalBrokerTools(cacheDir, { secured: options.security !== undefined });
  if (missingTools.length > 0) {
    throw new NoBrokerAvailableError(noBrokerMessage({ docker: '`kafka start` only starts a local broker', missingTools }));
  }
  const launched = await launchLocalBroker({
    cacheDir,
    detached: true,
    log: options.log ?? (() => undefined),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.security === undefined ? {} : { security: options.security }),
  });
  const record: BrokerRecord = {
    pid: launched.pid,
    brokers: launched.brokers,
    dataDir: launched.dataDir,
    startedAt: launched.startedAt,
    ...(launched.secured === undefined ? {} : { secured: launched.secured }),
  };
  await writeBrokerRecord(recordFile, record);
  return { record, alreadyRunning: false, startupMs: launched.startupMs };
}

export type StopOutcome =
  | { readonly outcome: 'nothing-recorded' }
  /** The recorded process was gone already; its folder and record were cleared. */
  | { readonly outcome: 'cleared'; readonly record: BrokerRecord }
  | { readonly outcome: 'stopped'; readonly record: BrokerRecord };

/** Stops the recorded broker (only if the pid is still that broker), removes its folder and the record. */
export async function stopLocalBroker(options: LocalBrokerOptions = {}): Promise<StopOutcome> {
  const recordFile = runRecordPath(cacheDirOf(options));
  const record = await readBrokerRecord(recordFile);
  if (record === undefined) return { outcome: 'nothing-recorded' };
  const alive = await recordedProcessAlive(record);
  if (alive) await terminate(record.pid);
  await removeDataDir(record.dataDir);
  await removeBrokerRecord(recordFile);
  return { outcome: alive ? 'stopped' : 'cleared', record };
}
