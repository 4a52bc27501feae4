import { homedir } from 'node:os';
import type { BrokerHandle, BrokerLog } from './broker-handle.js';
import { resolveCacheDir } from './cache-paths.js';
import { launchLocalBroker, relaunchLocalBroker, removeDataDir } from './local-broker-process.js';
import { cleanUpBrokerOnExit } from './broker-exit-cleanup.js';
import { terminate } from './process-control.js';

export interface RestartableBrokerOptions {
  readonly cacheDir?: string;
  /** A fixed client port; a free one is picked when absent. A restart keeps it either way. */
  readonly port?: number;
  readonly log?: BrokerLog;
}

export interface BrokerRestart {
  /** From the stop request until the broker answered again. */
  readonly downMs: number;
}

/** An attached local broker that can be stopped and started again on the same folder, for fault injection. */
export interface RestartableBrokerHandle extends BrokerHandle {
  /** Where its config, KRaft metadata and partitions live across restarts. */
  readonly dataDir: string;
  /**
   * Stops the broker (SIGTERM, so it closes its logs as an operator's restart would; SIGKILL after
   * `graceMs`) and starts it again on the same folder and port, once `whileDown` (when given) has
   * resolved; resolves once it answers.
   */
  restart(options?: { readonly graceMs?: number; readonly whileDown?: () => Promise<unknown> }): Promise<BrokerRestart>;
}

/**
 * A one-node local broker (plain listener) that lives no longer than this process, like the attached
 * one, and that a chaos test can restart on its own data: clients see the same address come back with
 * their topics, offsets and transactions where the broker left them.
 */
export async function startRestartableBroker(options: RestartableBrokerOptions = {}): Promise<RestartableBrokerHandle> {
  const cacheDir = options.cacheDir ?? resolveCacheDir(process.env, homedir());
  const log = options.log ?? (() => undefined);
  const first = await launchLocalBroker({ cacheDir, log, detached: false, ...(options.port === undefined ? {} : { port: options.port }) });
  const { dataDir, brokers } = first;
  let pid = first.pid;

  const forgetExitCleanup = cleanUpBrokerOnExit(() => pid, dataDir, { onlyWhileAlive: false });

  let stopping: Promise<void> | undefined;
  let restarting: Promise<BrokerRestart> | undefined;
  return {
    brokers,
    dataDir,
    startedHere: true,
    how: 'local',
    startupMs: first.startupMs,
    restart: (restartOptions = {}) => {
      if (stopping !== undefined) return Promise.reject(new Error(`the broker on ${brokers} was stopped; it cannot be restarted`));
      restarting ??= (async () => {
        const began = Date.now();
        try {
          await terminate(pid, restartOptions.graceMs);
          await restartOptions.whileDown?.();
          const again = await relaunchLocalBroker({ cacheDir, dataDir, brokers, detached: false, log });
          pid = again.pid;
          return { downMs: Date.now() - began };
        } finally {
          restarting = undefined;
        }
      })();
      return restarting;
    },
    stop: () => {
      stopping ??= (async () => {
        await restarting?.catch(() => undefined);
        await terminate(pid);
        forgetExitCleanup();
        await removeDataDir(dataDir);
      })();
      return stopping;
    },
  };
}
