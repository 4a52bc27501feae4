import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { startOpsFor, type OpsHandle } from '../../src/cli/ops-for-app.js';
import { FakeOperableApp } from '../ops/fake-operable-app.js';
import { recordingLogger } from '../support/recording-logger.js';

const handles: OpsHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

async function start(host?: string): Promise<OpsHandle> {
  const handle = await startOpsFor(new FakeOperableApp(), 0, silentLogger, host);
  handles.push(handle);
  return handle;
}

describe('startOpsFor', () => {
  it('binds loopback by default and tells other instances that address', async () => {
    const ops = await start();
    expect(ops.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ops.endpoint).toBe(`127.0.0.1:${new URL(ops.url).port}`);
    expect((await fetch(`${ops.url}/health`)).status).toBe(200);
  });

  it('names this machine as the endpoint when bound to every interface', async () => {
    const ops = await start('0.0.0.0');
    expect(ops.endpoint).toBe(`${hostname()}:${new URL(ops.url).port}`);
  });

  it("logs 'ops server listening' once, with its url", async () => {
    const logger = recordingLogger();
    const ops = await startOpsFor(new FakeOperableApp(), 0, logger);
    handles.push(ops);
    const listening = logger.lines.filter((l) => l.message === 'ops server listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]?.fields['url']).toBe(ops.url);
  });
});
