import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../common/logger.js';
import type { OperableApp } from '../runtime/app-snapshot.js';
import { healthReply } from './health-route.js';
import { OpsServerListenError } from './ops-errors.js';
import { jsonReply, type OpsReply } from './ops-reply.js';
import { storeReply } from './store-route.js';
import { Dashboard, DASHBOARD_EVENTS_PATH, type DashboardOptions } from './dashboard/dashboard.js';

export interface OpsServerOptions {
  /** 0 picks a free port; the chosen one is in the result. */
  readonly port: number;
  /**
   * Default `127.0.0.1`: the endpoints have no authentication, so nothing off the machine reaches them
   * unless asked for (`0.0.0.0`, or one interface's address, for Prometheus and the other instances).
   */
  readonly host?: string;
  readonly app: OperableApp;
  readonly registry: Pick<Registry, 'contentType' | 'metrics'>;
  readonly logger: Logger;
  /** How long `close()` lets in-flight requests finish before cutting their connections; default 2000. */
  readonly closeGraceMs?: number;
  /** The web dashboard at `/` with its JSON under `/api/` (docs/operations.md); `false` leaves it out. */
  readonly dashboard?: DashboardOptions | false;
}

export interface OpsServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (up to the grace), then resolves. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_OPS_HOST = '127.0.0.1';
const DEFAULT_CLOSE_GRACE_MS = 2000;
const ENDPOINTS = ['/health', '/metrics', '/stores', '/stores/<store>', '/stores/<store>/<key>'];

/** The HTTP server for operations: `/health`, `/metrics` and interactive queries (docs/operations.md). */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const host = options.host ?? DEFAULT_OPS_HOST;
  const logger = options.logger.child({ component: 'ops-server' });
  let closing: Promise<void> | undefined;
  const dashboard = options.dashboard === false ? undefined : new Dashboard(options.app, logger, options.dashboard);
  const server = createServer((request, response) => {
    handle(options, dashboard, logger, request, response, () => closing !== undefined).catch((error: unknown) => {
      // Only writing the reply can land here (route errors became 500s); the client gets a reset.
      logger.error('ops response failed', { method: request.method, url: request.url, err: error });
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: unknown): void => reject(new OpsServerListenError(host, options.port, error));
    server.once('error', onError);
    server.listen({ port: options.port, host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('ops server failed', { err: error }));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;
  logger.info('ops server listening', { url, endpoints: ENDPOINTS });

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      // Live-update streams never end by themselves.
      dashboard?.close();
      const cut = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
      server.close((error) => {
        // Fires once every connection has ended, after the in-flight replies went out.
        clearTimeout(cut);
        if (error === undefined) resolve();
        else reject(error);
      });
      // Keep-alive connections with no request in flight would otherwise hold close() open.
      server.closeIdleConnections();
    });
    return closing;
  };
  return { url, port, close };
}

async function handle(
  options: OpsServerOptions,
  dashboard: Dashboard | undefined,
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
  closing: () => boolean,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  if (dashboard !== undefined && path === DASHBOARD_EVENTS_PATH && (request.method ?? 'GET') === 'GET') {
    dashboard.attachEvents(response);
    return;
  }
  let reply: OpsReply;
  try {
    reply = await route(options, dashboard, request.method ?? 'GET', path);
  } catch (error) {
    logger.error('ops request failed', { method: request.method, path, err: error });
    reply = jsonReply(500, { message: error instanceof Error ? error.message : String(error) });
  }
  logger.debug('ops request', { method: request.method, path, status: reply.status });
  // Once closing, a reply must not leave its keep-alive connection open to hold close() up.
  if (closing()) response.setHeader('connection', 'close');
  response.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store', ...reply.headers });
  response.end(reply.body);
}

async function route(options: OpsServerOptions, dashboard: Dashboard | undefined, method: string, path: string): Promise<OpsReply> {
  if (method !== 'GET') return jsonReply(405, { message: `${method} is not supported; use GET` }, { allow: 'GET' });
  if (path === '/health') return healthReply(options.app.snapshot());
  if (path === '/metrics') {
    return { status: 200, contentType: options.registry.contentType, body: await options.registry.metrics() };
  }
  const page = await dashboard?.reply(path);
  if (page !== undefined) return page;
  const store = await storeReply(options.app, path);
  return store ?? jsonReply(404, { message: `no such endpoint: ${path}`, endpoints: [...ENDPOINTS, ...(dashboard?.endpoints ?? [])] });
}

// A wildcard address is not something a client can connect to; name the loopback instead.
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
