import type { Command } from 'commander';
import { EXIT_FAILURE, type CommandContext } from '../program.js';

const EXAMPLES = `
Examples:
  $ cdc-streams query orders 1900000000000000004 --url http://localhost:8080
  $ cdc-streams query orders 1900000000000000004          (url from $CDC_STREAMS_URL, default http://127.0.0.1:8080)
  $ cdc-streams query payment-deadlines 0x0000019a2b3c4d5e   (a store with bytes keys: the key in hex)

Asks a running instance (started with \`run --http-port\`) for one key of a store and prints its value
as JSON. If another instance holds the key, the message names it (HTTP 421) and the command exits 1.
Exit codes: 0 found, 1 not found / held elsewhere / unreachable / not a key of that store, 2 usage error.`;

/** The ops server's answer to GET /stores/<store>/<key> (docs/operations.md). */
interface StoreAnswer {
  readonly value?: unknown;
  readonly partition?: number;
  readonly owner?: string | null;
  readonly message?: string;
}

/** `cdc-streams query <store> <key>`: an interactive query against a running instance's /stores endpoint. */
export function registerQueryCommand(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('query')
    .description('read one key of a state store from a running instance (interactive query)')
    .argument('<store>', 'store name, e.g. orders')
    .argument('<key>', 'the key, as text (hex for a store with bytes keys)')
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
      let answer: StoreAnswer;
      try {
        answer = JSON.parse(body) as StoreAnswer;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        io.err(`${base} answered ${response.status} with something that is not JSON: ${body.slice(0, 200)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      if (response.status === 200) {
        io.out(`${JSON.stringify(answer.value, null, 2)}\n`);
        return;
      }
      io.err(`${explain(response.status, store, key, answer)}\n`);
      setExitCode(EXIT_FAILURE);
    });
}

function explain(status: number, store: string, key: string, answer: StoreAnswer): string {
  const where = answer.partition === undefined ? '' : ` (partition ${answer.partition})`;
  switch (status) {
    case 404:
      return answer.partition === undefined ? (answer.message ?? `no store '${store}'`) : `not found: key '${key}' of store '${store}'${where}`;
    case 421:
      return `key '${key}' of store '${store}' is held by instance ${answer.owner ?? '?'}${where}: ask it, with --url http://${answer.owner ?? '?'}`;
    case 503:
      return `no instance holds key '${key}' of store '${store}' right now${where} (rebalancing): try again shortly`;
    default:
      return `${status}: ${answer.message ?? JSON.stringify(answer)}`;
  }
}
