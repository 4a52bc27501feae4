import type { BrokerHandle, BrokerLog } from './broker-handle.js';
import type { BrokerSecurityOptions } from './broker-security.js';
import { launchLocalBroker, removeDataDir } from './local-broker-process.js';
import { cleanUpBrokerOnExit } from './broker-exit-cleanup.js';
import { terminate } from './process-control.js';

/**
 * A local broker that lives no longer than this process: stop() ends it, and if the process exits
 * without calling stop() (a crashed test run) an exit hook kills it, so no JVM is left behind.
 */
export async function startAttachedLocalBroker(options: {
  cacheDir: string;
  port?: number;
  log: BrokerLog;
  security?: BrokerSecurityOptions;
}): Promise<BrokerHandle> {
  const launched = await launchLocalBroker({ ...options, detached: false });
  const { pid, dataDir } = launched;

  const forgetExitCleanup = cleanUpBrokerOnExit(() => pid, dataDir, { onlyWhileAlive: true });

  let stopping: Promise<void> | undefined;
  return {
    brokers: launched.brokers,
    startedHere: true,
    how: 'local',
    startupMs: launched.startupMs,
    ...(launched.secured === undefined ? {} : { secured: launched.secured }),
    stop: () => {
      stopping ??= (async () => {
        await terminate(pid);
        forgetExitCleanup();
        await removeDataDir(dataDir);
      })();
      return stopping;
    },
  };
}
