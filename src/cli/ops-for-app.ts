import { hostname } from 'node:os';
import { createMetricsRegistry, DEFAULT_OPS_HOST, startOpsServer, type Logger, type OperableApp } from '../index.js';

export interface OpsHandle {
  /** `host:port` other instances and clients use. */
  readonly endpoint: string;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves /health, /metrics and /stores for a running application on `host` (the server's default,
 * loopback, when absent). The endpoint other instances are told is the bound address, or this
 * machine's name when bound to every interface.
 */
export async function startOpsFor(app: OperableApp, port: number, logger: Logger, host?: string): Promise<OpsHandle> {
  const server = await startOpsServer({ port, app, registry: createMetricsRegistry(app), logger, ...(host === undefined ? {} : { host }) });
  // startOpsServer logs where it listens.
  const bound = host ?? DEFAULT_OPS_HOST;
  const endpointHost = bound === '0.0.0.0' || bound === '::' ? hostname() : bound.includes(':') ? `[${bound}]` : bound;
  return { endpoint: `${endpointHost}:${server.port}`, url: server.url, close: () => server.close() };
}
