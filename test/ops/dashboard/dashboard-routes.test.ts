import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import { createMetricsRegistry } from '../../../src/ops/metrics.js';
import { startOpsServer, type OpsServer } from '../../../src/ops/ops-server.js';
import type { StoreSize } from '../../../src/runtime/app-snapshot.js';
import type { TopologyGraph } from '../../../src/topology/topology-graph.js';
import { FakeOperableApp } from '../fake-operable-app.js';

const GRAPH: TopologyGraph = {
  subTopologies: [{ id: 0, nodes: ['in'] }],
  nodes: [{ name: 'in', kind: 'source', subTopology: 0, topics: ['dts.sale'], stores: [], parents: [], children: [] }],
  topics: [{ name: 'dts.sale', logicalName: 'dts.sale', internal: false, readBy: ['in'], writtenBy: [] }],
  stores: [],
};

class DashboardApp extends FakeOperableApp {
  topologyGraph(): TopologyGraph {
    return GRAPH;
  }

  storeSizes(): Promise<readonly StoreSize[]> {
    return Promise.resolve([{ taskId: '0_0', store: 'orders', entries: 12, bytes: 4096 }]);
  }
}

let assetsDir: string;
beforeAll(async () => {
  assetsDir = await mkdtemp(join(tmpdir(), 'dashboard-assets-'));
  await mkdir(join(assetsDir, 'assets'));
  await writeFile(join(assetsDir, 'index.html'), '<!doctype html><title>dash</title>');
  await writeFile(join(assetsDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(assetsDir, 'secret.js'), 'nope');
});
afterAll(async () => {
  await rm(assetsDir, { recursive: true, force: true });
});

const servers: OpsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(app: FakeOperableApp, dir = assetsDir): Promise<OpsServer> {
  const server = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    app,
    registry: createMetricsRegistry(app, { defaultMetrics: false }),
    logger: silentLogger,
    dashboard: { assetsDir: dir, updateIntervalMs: 50 },
  });
  servers.push(server);
  return server;
}

describe('the dashboard on the ops server', () => {
  it('serves the built page at / and its files under /assets/, and nothing outside that folder', async () => {
    const server = await serve(new DashboardApp());
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>dash</title>');
    const script = await fetch(`${server.url}/assets/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect((await fetch(`${server.url}/assets/..%2Fsecret.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('says how to build the page when it was never built, and still answers the JSON endpoints', async () => {
    const server = await serve(new DashboardApp(), join(assetsDir, 'nowhere'));
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build');
    expect((await fetch(`${server.url}/api/overview`)).status).toBe(200);
  });

  it('answers each panel as JSON from the snapshot, the topology graph and the store sizes', async () => {
    const server = await serve(new DashboardApp());
    const json = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as Record<string, unknown>;
    expect(await json('/api/topology')).toEqual(GRAPH);
    expect(await json('/api/overview')).toMatchObject({ applicationId: 'sale-orders', state: 'RUNNING', recordsIn: 130, deadLetters: 2, totalLag: 17 });
    expect(await json('/api/lag')).toEqual({ total: 17, partitions: [{ topic: 'dts.sale', partition: 0, lag: 17 }, { topic: 'dts.sale', partition: 1, lag: 0 }] });
    expect(await json('/api/stores')).toEqual({ available: true, stores: [{ taskId: '0_0', store: 'orders', entries: 12, bytes: 4096 }] });
    expect(await json('/api/metrics')).toMatchObject({ processors: { 'cdc-decode': { '0_0': { piecesPending: 3 } } }, topics: { 'dts.sale': { recordsIn: 130, lag: 17 } } });
    const all = await json('/api/dashboard');
    expect(Object.keys(all).sort()).toEqual(['deadLetters', 'history', 'lag', 'late', 'metrics', 'overview', 'shards', 'stores', 'tasks', 'throughput', 'topology']);
  });

  it('builds no snapshot while nobody looks', async () => {
    const app = new DashboardApp();
    await serve(app);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.snapshotCalls).toBe(0);
  });

  it('streams live updates as server-sent events until the server closes, which ends the stream', async () => {
    const app = new DashboardApp();
    const server = await serve(app);
    const response = await fetch(`${server.url}/api/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while ((text.match(/^data: /gm) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended early: ${text}`);
      text += decoder.decode(value);
    }
    expect(text.startsWith('retry: 50\n\n')).toBe(true);
    const first = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as Record<string, unknown>;
    expect(first).toMatchObject({ overview: { applicationId: 'sale-orders' }, lag: { total: 17 } });
    await server.close();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  });
});
