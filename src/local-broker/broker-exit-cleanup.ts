import { rmSync } from 'node:fs';
import { isAlive } from './process-control.js';

/**
 * Kills the broker and deletes its data dir when this process exits without stopping it (a test run
 * killed, an uncaught error). 'exit' handlers must be synchronous: SIGKILL and a synchronous delete are
 * all that can run there. `pid` is read at exit (a restarted broker has a new one). `onlyWhileAlive`:
 * a broker that already died leaves its data dir for a look at what happened.
 * Returns what removes the handler, for a clean stop.
 */
export function cleanUpBrokerOnExit(pid: () => number, dataDir: string, options: { readonly onlyWhileAlive: boolean }): () => void {
  const onExit = (): void => {
    const alive = isAlive(pid());
    if (!alive && options.onlyWhileAlive) return;
    if (alive) process.kill(pid(), 'SIGKILL');
    try {
      rmSync(dataDir, { recursive: true, force: true });
    } catch (error) {
      process.stderr.write(`cdc-streams: could not remove broker folder ${dataDir}: ${String(error)}\n`);
    }
  };
  process.on('exit', onExit);
  return () => process.off('exit', onExit);
}
