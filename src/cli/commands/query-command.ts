import { get as httpRequest } from 'node:http';
import { get as httpsRequest } from 'node:https';
import type { Command } from 'commander';
import { EXIT_FAILURE, type CommandContext } from '../program.js';

const EXAMPLES = `
Examples:
  $ cdc-streams query orders 1900000000000000004 --url http://localhost:8080
  $ cdc-streams query orders 1900000000000000004          (url from $CDC_STREAMS_URL, default http://127.0.0.1:8080)
  $ cdc-streams query payment-deadlines 0x0000019a2b3c4d5e   (a store with bytes keys: the key in hex)

Asks a running instance (started with \`run --http-port\`) for one key of a store and prints its value
as JSON. Any instance of the application will do: one that does not hold the key names the one that
does (HTTP 421), and the command asks that one (saying so on stderr).
Exit codes: 0 found, 1 not found / no owner right now (rebalancing) / unreachable / not a key of that
store, 2 usage error.`;

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
      let base = (flags.url ?? process.env['CDC_STREAMS_URL'] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
      const asked = new Set<string>();
      for (;;) {
        asked.add(base);
        const reply = await ask(base, store, key);
        if (typeof reply === 'string') {
          io.err(`${reply}\n`);
          setExitCode(EXIT_FAILURE);
          return;
        }
        const { status, answer } = reply;
        if (status === 200) {
          io.out(`${JSON.stringify(answer.value, null, 2)}\n`);
          return;
        }
        const owner = status === MISDIRECTED && typeof answer.owner === 'string' ? `http://${answer.owner}` : undefined;
        // Each instance names the owner it knows; two that each name the other are mid-rebalance.
        if (owner === undefined || asked.has(owner) || asked.size > MAX_HOPS) {
          io.err(`${explain(status, store, key, answer, asked.size)}\n`);
          setExitCode(EXIT_FAILURE);
          return;
        }
        io.err(`${base} does not hold key '${key}' of store '${store}' (partition ${answer.partition ?? '?'}); asking its owner ${answer.owner}\n`);
        base = owner;
      }
    });
}

/** The instance asked names another owner at most this many times before the command gives up. */
const MAX_HOPS = 3;
const MISDIRECTED = 421;

/** One GET /stores/<store>/<key>: the status and JSON body, or why there is none. */
async function ask(base: string, store: string, key: string): Promise<{ status: number; answer: StoreAnswer } | string> {
  let reply: { status: number; body: string };
  try {
    reply = await httpGet(`${base}/stores/${encodeURIComponent(store)}/${encodeURIComponent(key)}`);
  } catch (error) {
    return `cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`;
  }
  try {
    return { status: reply.status, answer: JSON.parse(reply.body) as StoreAnswer };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return `${base} answered ${reply.status} with something that is not JSON: ${reply.body.slice(0, 200)}`;
  }
}

/**
 * node:http rather than fetch: fetch (undici) sends a request answered 421 a second time on a new
 * connection by itself, so every misdirected query would be looked up twice.
 */
function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // An instance behind a TLS proxy is asked over https; the owners it names, over http (docs/operations.md).
    const get = url.startsWith('https:') ? httpsRequest : httpRequest;
    const request = get(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

function explain(status: number, store: string, key: string, answer: StoreAnswer, asked: number): string {
  const where = answer.partition === undefined ? '' : ` (partition ${answer.partition})`;
  switch (status) {
    case 404:
      return answer.partition === undefined ? (answer.message ?? `no store '${store}'`) : `not found: key '${key}' of store '${store}'${where}`;
    case MISDIRECTED:
      return `key '${key}' of store '${store}'${where}: the ${asked} instances asked each name another owner (${answer.owner ?? '?'}); the group is rebalancing: try again shortly`;
    case 503:
      return `no instance can answer for key '${key}' of store '${store}' right now${where}: ${answer.message ?? 'rebalancing; try again shortly'}`;
    default:
      return `${status}: ${answer.message ?? JSON.stringify(answer)}`;
  }
}
