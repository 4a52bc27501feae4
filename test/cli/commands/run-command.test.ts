import { describe, expect, it } from 'vitest';
import { registerRunCommand } from '../../../src/cli/commands/run-command.js';
import { EXIT_USAGE } from '../../../src/cli/program.js';
import { runCommands } from '../run-commands.js';

// Each of these fails before the topology is loaded or anything connects (the broker address is never used).
const run = (...args: string[]) => runCommands([registerRunCommand], 'run', 'test/fixtures/topologies/e2e-count.ts', '--brokers', '127.0.0.1:1', ...args);

describe('cdc-streams run: flags checked before anything connects', () => {
  it('exits 2 with one line for --http-host without --http-port', async () => {
    expect(await run('--http-host', '0.0.0.0')).toEqual({ code: EXIT_USAGE, out: '', err: 'cdc-streams: --http-host needs --http-port\n' });
  });

  it('exits 2 naming a --http-host that is neither a host name nor an IP address', async () => {
    const result = await run('--http-port', '0', '--http-host', 'not a host');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toBe("error: option '--http-host <host>' argument 'not a host' is invalid. 'not a host' is not a host name or an IP address\n");
  });

  it('exits 2 with one line for a client certificate without its key', async () => {
    expect(await run('--tls-cert', 'client.pem')).toEqual({ code: EXIT_USAGE, out: '', err: "cdc-streams: --tls-cert needs --tls-key (the certificate's private key)\n" });
  });
});
