import { hostname } from 'node:os';
import { createMetricsRegistry, startOpsServer, type Logger, type OperableApp } from '../index.js';

export interface OpsHandle {
  /** `host:port` other instances and clients use. */
  readonly endpoint: string;
  readonly url: string;
  close(): Promise<void>;
}

/** Serves /health, /metrics and /stores for a running application. */
export async function startOpsFor(app: OperableApp, port: number, logger: Logger): Promise<OpsHandle> {
  // startOpsServer logs where it listens.
  const server = await startOpsServer({ port, app, registry: createMetricsRegistry(app), logger });
  return { endpoint: `${hostname()}:${server.port}`, url: server.url, close: () => server.close() };
}
