import path from 'node:path';
import { KAFKA_VERSION } from './kafka-version.js';

/**
 * Where downloaded jars and run records live: outside the repository, so a `git clean` or a fresh
 * checkout does not throw away a 90 MB download. `$CDC_STREAMS_CACHE` wins, then the XDG cache home.
 */
export function resolveCacheDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const explicit = env.CDC_STREAMS_CACHE?.trim();
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg) return path.join(path.resolve(xdg), 'cdc-streams');
  return path.join(homeDir, '.cache', 'cdc-streams');
}

export function kafkaHomeDir(cacheDir: string): string {
  return path.join(cacheDir, `kafka-${KAFKA_VERSION}`);
}

export function kafkaLibsDir(cacheDir: string): string {
  return path.join(kafkaHomeDir(cacheDir), 'libs');
}

/** The record the CLI's `kafka start` leaves for `status` and `stop`. */
export function runRecordPath(cacheDir: string): string {
  return path.join(cacheDir, 'run', 'broker.json');
}
