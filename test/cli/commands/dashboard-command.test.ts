import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { registerDashboardCommand } from '../../../src/cli/commands/dashboard-command.js';
import { silentLogger } from '../../../src/common/logger.js';
import { createMetricsRegistry } from '../../../src/ops/metrics.js';
import { startOpsServer, type OpsServer } from '../../../src/ops/ops-server.js';
import { FakeOperableApp } from '../../ops/fake-operable-app.js';
import { runCommands } from '../run-commands.js';

const servers: OpsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(): Promise<OpsServer> {
  const app = new FakeOperableApp();
  const server = await startOpsServer({ port: 0, host: '127.0.0.1', app, registry: createMetricsRegistry(app, { defaultMetrics: false }), logger: silentLogger });
  servers.push(server);
  return server;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('cdc-streams dashboard', () => {
  it('prints the dashboard URL of an instance that answers, with or without the scheme', async () => {
    const server = await serve();
    const withScheme = await runCommands([registerDashboardCommand], 'dashboard', '--connect', `${server.url}/`);
    expect(withScheme.code).toBe(0);
    expect(withScheme.out).toBe(`${server.url}/\n`);
    expect(withScheme.err).toContain('sale-orders is RUNNING');
    const bare = await runCommands([registerDashboardCommand], 'dashboard', '--connect', `127.0.0.1:${server.port}`);
    expect(bare.out).toBe(`${server.url}/\n`);
  });

  it('exits 1 naming the address when nothing answers there', async () => {
    const port = await closedPort();
    const result = await runCommands([registerDashboardCommand], 'dashboard', '--connect', `http://127.0.0.1:${port}`);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain(`cannot reach the dashboard at http://127.0.0.1:${port}`);
  });

  it('is a usage error without --connect', async () => {
    const result = await runCommands([registerDashboardCommand], 'dashboard');
    expect(result.code).toBe(2);
  });
});
