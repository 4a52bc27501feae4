import type { Command } from 'commander';
import { EXIT_FAILURE, type CommandContext } from '../program.js';

const EXAMPLES = `
Examples:
  $ cdc-streams query orders 100023 --url http://localhost:8080
  $ cdc-streams query orders 100023          (url from $CDC_STREAMS_URL, default http://127.0.0.1:8080)

Asks a running instance (started with \`run --http-port\`) for one key of a store. If another instance
holds the key, the answer says which (HTTP 421) and the command exits 1.
Exit codes: 0 found, 1 not found / held elsewhere / unreachable, 2 usage error.`;

/** `cdc-streams query <store> <key>`: an interactive query against a running instance's /stores endpoint. */
export function registerQueryCommand(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('query')
    .description('read one key of a state store from a running instance (interactive query)')
    .argument('<store>', 'store name, e.g. orders')
    .argument('<key>', 'the key, as text')
    .option('--url <url>', 'base URL of the instance\'s ops server (default: $CDC_STREAMS_URL or http://127.0.0.1:8080)')
    .addHelpText('after', EXAMPLES)
    .action(async (store: string, key: string, flags: { url?: string }) => {
      const base = (flags.url ?? process.env['CDC_STREAMS_URL'] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
      const url = `${base}/stores/${encodeURIComponent(store)}/${encodeURIComponent(key)}`;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        io.err(`cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const body = await response.text();
      if (response.status === 200) {
        io.out(`${JSON.stringify(JSON.parse(body), null, 2)}\n`);
        return;
      }
      io.err(`${response.status} ${body}\n`);
      setExitCode(EXIT_FAILURE);
    });
}
