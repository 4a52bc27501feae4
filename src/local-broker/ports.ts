import net from 'node:net';
import { PortTakenError } from './broker-errors.js';

export const LOOPBACK = '127.0.0.1';

function listen(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

function portOf(server: net.Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`server on ${String(address)} has no TCP port`);
  }
  return address.port;
}

/**
 * Distinct ports the kernel says are free right now, found by binding port 0. All are held open until
 * every one is chosen so the same port cannot be handed out twice; a process may still grab one before
 * the broker binds it, which the broker's start error would then show.
 */
export async function pickFreePorts(count: number, host: string = LOOPBACK): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) servers.push(await listen(host, 0));
    return servers.map(portOf);
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Fails with PortTakenError when `port` cannot be bound on `host`. */
export async function assertPortFree(port: number, host: string = LOOPBACK): Promise<void> {
  let server: net.Server;
  try {
    server = await listen(host, port);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new PortTakenError(host, port, error);
    }
    throw error;
  }
  await close(server);
}
