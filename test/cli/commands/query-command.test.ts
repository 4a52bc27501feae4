import { afterEach, describe, expect, it } from 'vitest';
import { registerQueryCommand } from '../../../src/cli/commands/query-command.js';
import { silentLogger } from '../../../src/common/logger.js';
import { createMetricsRegistry } from '../../../src/ops/metrics.js';
import { startOpsServer, type OpsServer } from '../../../src/ops/ops-server.js';
import { FakeOperableApp } from '../../ops/fake-operable-app.js';
import { runCommands } from '../run-commands.js';

const servers: OpsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** An instance's ops server over a fake app; `host:port` is what other instances would name. */
async function instance(): Promise<{ app: FakeOperableApp; url: string; endpoint: string }> {
  const app = new FakeOperableApp();
  const server = await startOpsServer({ port: 0, host: '127.0.0.1', app, registry: createMetricsRegistry(app, { defaultMetrics: false }), logger: silentLogger, dashboard: false });
  servers.push(server);
  return { app, url: server.url, endpoint: `127.0.0.1:${server.port}` };
}

const query = (url: string, key = 'o-1') => runCommands([registerQueryCommand], 'query', 'orders', key, '--url', url);

describe('cdc-streams query', () => {
  it('prints the value of a key the instance asked holds', async () => {
    const a = await instance();
    a.app.answer = () => Promise.resolve({ kind: 'found', partition: 0, value: { status: 'PAID' } });
    expect(await query(a.url)).toEqual({ code: 0, out: '{\n  "status": "PAID"\n}\n', err: '' });
  });

  it('asks the owner another instance names (421), saying so on stderr', async () => {
    const [a, b] = [await instance(), await instance()];
    a.app.answer = () => Promise.resolve({ kind: 'remote', partition: 3, owner: b.endpoint });
    b.app.answer = () => Promise.resolve({ kind: 'found', partition: 3, value: 7 });
    const result = await query(a.url);
    expect(result.code).toBe(0);
    expect(result.out).toBe('7\n');
    expect(result.err).toBe(`${a.url} does not hold key 'o-1' of store 'orders' (partition 3); asking its owner ${b.endpoint}\n`);
    expect(b.app.queries).toEqual([{ store: 'orders', key: 'o-1' }]);
  });

  it('gives up, exit 1, when two instances each name the other (a rebalance is under way)', async () => {
    const [a, b] = [await instance(), await instance()];
    a.app.answer = () => Promise.resolve({ kind: 'remote', partition: 3, owner: b.endpoint });
    b.app.answer = () => Promise.resolve({ kind: 'remote', partition: 3, owner: a.endpoint });
    const result = await query(a.url);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('the group is rebalancing: try again shortly');
    expect([a.app.queries.length, b.app.queries.length]).toEqual([1, 1]);
  });

  it('exits 1 with the reason when no instance can answer for the key right now (503)', async () => {
    const a = await instance();
    a.app.answer = () => Promise.resolve({ kind: 'remote', partition: 1, owner: undefined, reason: 'the instance that holds this partition has no ops server' });
    const result = await query(a.url);
    expect(result.code).toBe(1);
    expect(result.err).toBe("no instance can answer for key 'o-1' of store 'orders' right now (partition 1): the instance that holds this partition has no ops server\n");
  });

  it('exits 1 naming the owner it could not reach', async () => {
    const a = await instance();
    const gone = await instance();
    await servers.pop()!.close();
    a.app.answer = () => Promise.resolve({ kind: 'remote', partition: 0, owner: gone.endpoint });
    const result = await query(a.url);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`cannot reach ${gone.url}`);
  });
});
