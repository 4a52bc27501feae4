import { rmSync } from 'node:fs';
import type { BrokerHandle, BrokerLog } from './broker-handle.js';
import type { BrokerSecurityOptions } from './broker-security.js';
import { launchLocalBroker, removeDataDir } from './local-broker-process.js';
import { isAlive, terminate } from './process-control.js';

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

  // 'exit' handlers must be synchronous: SIGKILL and a synchronous delete are all that can run there.
  const killOnExit = (): void => {
    if (!isAlive(pid)) return;
    process.kill(pid, 'SIGKILL');
    try {
      rmSync(dataDir, { recursive: true, force: true });
    } catch (error) {
      process.stderr.write(`cdc-streams: could not remove broker folder ${dataDir}: ${String(error)}\n`);
    }
  };
  process.on('exit', killOnExit);

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
        process.off('exit', killOnExit);
        await removeDataDir(dataDir);
      })();
      return stopping;
    },
  };
}
