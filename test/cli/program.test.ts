import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { registerKafkaCommand } from '../../src/cli/commands/kafka-command.js';
import { EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/program.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => (out += text), err: (text) => (err += text) };
  const code = await runCli(['node', 'cdc-streams', ...args], io, [registerKafkaCommand]);
  return { code, out, err };
}

describe('runCli', () => {
  it('exits 2 with one line naming an unknown option', async () => {
    const result = await run('kafka', 'start', '--bogus');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err.trim().split('\n')).toEqual(["error: unknown option '--bogus'"]);
  });

  it('exits 2 naming the bad value of --port', async () => {
    const result = await run('kafka', 'start', '--port', '70000');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain("'70000' is not a TCP port");
  });

  it('exits 2 on an unknown command', async () => {
    expect((await run('frobnicate')).code).toBe(EXIT_USAGE);
  });

  it('exits 0 for --help and shows the examples and exit codes', async () => {
    const result = await run('--help');
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toContain('cdc-streams kafka start');
    expect(result.out).toContain('Exit codes: 0 ok, 1 failure, 2 usage error.');
  });

  it('prints the package version for --version', async () => {
    const result = await run('--version');
    expect(result.code).toBe(EXIT_OK);
    expect(result.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
