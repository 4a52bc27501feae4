import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortTakenError } from '../../src/local-broker/broker-errors.js';
import { assertPortFree, pickFreePorts } from '../../src/local-broker/ports.js';

const servers: net.Server[] = [];

function occupy(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : -1);
    });
    servers.push(server);
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('pickFreePorts', () => {
  it('returns distinct ports that can then be bound', async () => {
    const ports = await pickFreePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) await expect(assertPortFree(port)).resolves.toBeUndefined();
  });
});

describe('assertPortFree', () => {
  it('names the port when another process listens on it', async () => {
    const taken = await occupy();
    const failure = assertPortFree(taken);
    await expect(failure).rejects.toBeInstanceOf(PortTakenError);
    await expect(failure).rejects.toThrow(`port ${taken} on 127.0.0.1 is taken`);
  });
});
