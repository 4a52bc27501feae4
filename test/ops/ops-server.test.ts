import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CdcStreamsError } from '../../src/common/errors.js';
import type { Logger } from '../../src/common/logger.js';
import { createMetricsRegistry } from '../../src/ops/metrics.js';
import { OpsServerListenError } from '../../src/ops/ops-errors.js';
import { StoreKeyError } from '../../src/runtime/store-query-key.js';
import type { StoreOwnersReport } from '../../src/runtime/store-owners.js';
import { bytesSerde } from '../../src/serde/bytes-serde.js';
import type { Serde } from '../../src/serde/serde.js';
import { startOpsServer, type OpsServer } from '../../src/ops/ops-server.js';
import { FakeOperableApp, snapshotOf } from './fake-operable-app.js';

interface LoggedLine {
  readonly level: string;
  readonly message: string;
  readonly context: Readonly<Record<string, unknown>> | undefined;
}

function recordingLogger(lines: LoggedLine[]): Logger {
  const at = (level: string) => (message: string, context?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, message, context });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

describe('startOpsServer', () => {
  let app: FakeOperableApp;
  let logged: LoggedLine[];
  let server: OpsServer;

  beforeEach(async () => {
    app = new FakeOperableApp();
    logged = [];
    const registry = createMetricsRegistry(app, { defaultMetrics: false });
    server = await startOpsServer({ port: 0, host: '127.0.0.1', app, registry, logger: recordingLogger(logged) });
  });

  afterEach(async () => {
    await server.close();
  });

  async function get(path: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  }

  it('listens on a free port when asked for port 0 and reports its url', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  describe('GET /health', () => {
    it('answers 200 UP when the application is ready', async () => {
      const { status, body } = await get('/health');
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'UP', state: 'RUNNING', ready: true, applicationId: 'sale-orders', tasks: { RUNNING: 1, RESTORING: 1 } });
    });

    it('answers 503 with the same body, listing what still restores, while not ready', async () => {
      app.current = snapshotOf({ ready: false });
      const { status, body } = await get('/health');
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 'DOWN', state: 'RUNNING', ready: false, restoring: [{ task: '0_1', store: 'orders', restored: 40, total: 100 }] });
    });

    it('answers 503 when the application has failed even if the snapshot still says ready', async () => {
      app.current = snapshotOf({ state: 'ERROR' });
      expect((await get('/health')).status).toBe(503);
    });
  });

  it('GET /metrics answers the Prometheus text format with its content type', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain('cdc_streams_records_in_total{topic="dts.sale"} 130');
  });

  describe('GET /stores/<store>/<key>', () => {
    it('answers 200 with the value when this instance holds it', async () => {
      app.answer = () => Promise.resolve({ kind: 'found', partition: 3, value: { status: 'PAID', total: 12.5 } });
      const { status, body } = await get('/stores/orders/42');
      expect(status).toBe(200);
      expect(body).toEqual({ store: 'orders', key: '42', partition: 3, found: true, value: { status: 'PAID', total: 12.5 } });
    });

    it('percent-decodes the store and the key, keeping an encoded slash inside the key', async () => {
      await get('/stores/order%20totals/a%2Fb%20c');
      expect(app.queries).toEqual([{ store: 'order totals', key: 'a/b c' }]);
    });

    it('answers 404 found:false when this instance owns the partition but has no value', async () => {
      app.answer = () => Promise.resolve({ kind: 'not-found', partition: 1 });
      const { status, body } = await get('/stores/orders/missing');
      expect(status).toBe(404);
      expect(body).toEqual({ store: 'orders', key: 'missing', partition: 1, found: false });
    });

    it('answers 421 naming the owner when another instance owns the partition', async () => {
      app.answer = () => Promise.resolve({ kind: 'remote', partition: 2, owner: 'host-b:8080' });
      const { status, body } = await get('/stores/orders/7');
      expect(status).toBe(421);
      expect(body).toMatchObject({ store: 'orders', key: '7', partition: 2, owner: 'host-b:8080' });
    });

    it('answers 503 with Retry-After when no instance owns the partition right now', async () => {
      app.answer = () => Promise.resolve({ kind: 'remote', partition: 2, owner: undefined });
      const { status, body, headers } = await get('/stores/orders/7');
      expect(status).toBe(503);
      expect(headers.get('retry-after')).toBe('1');
      expect(body).toMatchObject({ partition: 2, owner: null });
    });

    it('answers 404 naming the store when the application has no such store', async () => {
      app.answer = (store) => Promise.reject(new CdcStreamsError(`no store '${store}'`, { code: 'UNKNOWN_STORE' }));
      const { status, body } = await get('/stores/nope/1');
      expect(status).toBe(404);
      expect(body['message']).toContain("no queryable store named 'nope'");
    });

    it('answers 400 with the message, logging nothing, when the key cannot be a key of that store', async () => {
      app.answer = (store, key) => Promise.reject(new StoreKeyError(store, bytesSerde as Serde<unknown>, key, 'give the key in hex'));
      const { status, body } = await get('/stores/payment-deadlines/x');
      expect(status).toBe(400);
      expect(body).toEqual({ store: 'payment-deadlines', key: 'x', message: "'x' is not a key of store 'payment-deadlines' (bytes keys): give the key in hex" });
      expect(logged.filter((line) => line.level === 'error')).toEqual([]);
    });

    it('serializes bigint values as decimal strings and bytes as base64', async () => {
      const value = { sequence: 9007199254740993n, raw: Buffer.from('hi!'), bytes: new Uint8Array([1, 2, 3]) };
      app.answer = () => Promise.resolve({ kind: 'found', partition: 0, value });
      const { status, body } = await get('/stores/orders/1');
      expect(status).toBe(200);
      expect(body['value']).toEqual({ sequence: '9007199254740993', raw: 'aGkh', bytes: 'AQID' });
    });

    it('answers 400 for malformed percent-encoding without asking the app', async () => {
      const { status } = await get('/stores/orders/%E0%A4%A');
      expect(status).toBe(400);
      expect(app.queries).toEqual([]);
    });

    it('answers 500 with the message and logs the error when the query fails', async () => {
      app.answer = () => Promise.reject(new Error('disk on fire'));
      const { status, body } = await get('/stores/orders/1');
      expect(status).toBe(500);
      expect(body).toEqual({ message: 'disk on fire' });
      const errors = logged.filter((line) => line.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.context?.['err']).toBeInstanceOf(Error);
    });
  });

  describe('GET /stores and /stores/<store>', () => {
    const report: StoreOwnersReport = {
      applicationId: 'sale-orders',
      self: 'host-a:8080',
      known: true,
      instances: ['host-a:8080', 'host-b:8080'],
      stores: [
        {
          store: 'orders',
          global: false,
          partitions: [
            { partition: 0, taskId: '1_0', owner: 'host-a:8080', local: true },
            { partition: 1, taskId: '1_1', owner: 'host-b:8080', local: false },
          ],
        },
        { store: 'rates', global: true, partitions: [] },
      ],
    };

    it('lists every store with the owner of each partition', async () => {
      app.storeOwners = () => report;
      expect(await get('/stores')).toMatchObject({ status: 200, body: report });
      expect(await get('/stores/')).toMatchObject({ status: 200, body: report });
    });

    it("answers one store's owners with the group's instances, percent-decoding its name", async () => {
      app.storeOwners = () => ({ ...report, stores: [{ ...report.stores[0]!, store: 'order totals' }] });
      const { status, body } = await get('/stores/order%20totals');
      expect(status).toBe(200);
      expect(body).toEqual({ applicationId: 'sale-orders', self: 'host-a:8080', known: true, instances: ['host-a:8080', 'host-b:8080'], ...report.stores[0], store: 'order totals' });
    });

    it('answers 404 naming the stores there are for a store it does not have', async () => {
      app.storeOwners = () => report;
      expect(await get('/stores/nope')).toMatchObject({ status: 404, body: { store: 'nope', stores: ['orders', 'rates'] } });
    });
  });

  it('answers 503 with the reason when no instance can be asked for the partition', async () => {
    app.answer = () => Promise.resolve({ kind: 'remote', partition: 2, owner: undefined, reason: 'the instance that holds this partition has no ops server' });
    const { status, body } = await get('/stores/orders/7');
    expect(status).toBe(503);
    expect(body).toMatchObject({ partition: 2, owner: null, message: 'the instance that holds this partition has no ops server' });
  });

  it.each(['/nope', '/api/nope', '/stores', '/stores/orders', '/stores/orders/', '/health/extra'])('answers 404 for %s (/stores without an app that reports owners)', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(404);
    expect(body['message']).toContain('no such endpoint');
  });

  it('answers 405 for methods other than GET', async () => {
    const response = await fetch(`${server.url}/health`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('lets an in-flight request finish when closed', async () => {
    let release: () => void = () => undefined;
    app.answer = () => new Promise((resolve) => {
      release = () => resolve({ kind: 'found', partition: 0, value: 'late' });
    });
    const pending = get('/stores/orders/1');
    await waitUntil(() => app.queries.length === 1);
    const closed = server.close();
    release();
    expect((await pending).body['value']).toBe('late');
    await closed;
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('cuts a request still unanswered after the grace, so close() always ends', async () => {
    const stuck = await startOpsServer({ port: 0, host: '127.0.0.1', app, registry: createMetricsRegistry(app, { defaultMetrics: false }), logger: recordingLogger(logged), closeGraceMs: 10 });
    app.answer = () => new Promise(() => undefined);
    const pending = fetch(`${stuck.url}/stores/orders/1`);
    await waitUntil(() => app.queries.length === 1);
    await stuck.close();
    await expect(pending).rejects.toThrow();
  });

  it('fails to start with OpsServerListenError when the port is taken', async () => {
    const registry = createMetricsRegistry(app, { defaultMetrics: false });
    const second = startOpsServer({ port: server.port, host: '127.0.0.1', app, registry, logger: recordingLogger(logged) });
    await expect(second).rejects.toThrow(OpsServerListenError);
    await expect(second).rejects.toMatchObject({ code: 'OPS_SERVER_LISTEN' });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('startOpsServer without a host', () => {
  it('binds loopback only, since its endpoints have no authentication', async () => {
    const app = new FakeOperableApp();
    const server = await startOpsServer({ port: 0, app, registry: createMetricsRegistry(app, { defaultMetrics: false }), logger: recordingLogger([]) });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      // Linux routes all of 127/8 to the loopback device: a server on 0.0.0.0 would answer here too.
      await expect(fetch(`http://127.0.0.2:${server.port}/health`)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });
});
