import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchemaRegistryClient } from '../../../src/serde/registry/confluent-schema-registry-client.js';
import {
  IncompatibleSchemaError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
} from '../../../src/serde/registry/registry-errors.js';

const noWait = { sleep: async () => undefined, retries: 2 };
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A stand-in answering each request with the next canned status and body, recording what was asked. */
async function cannedRegistry(answers: Array<[number, object]>, seen: string[]): Promise<string> {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const [status, body] = answers.shift() ?? [500, { message: 'no more answers' }];
    res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

describe('createSchemaRegistryClient', () => {
  it('retries an unreachable registry, then fails with a non-retriable SchemaRegistryUnavailableError', async () => {
    // Port 9 (discard) on localhost refuses connections.
    const client = createSchemaRegistryClient({ url: 'http://127.0.0.1:9', retry: noWait });
    const failure = client.register('t-value', '"string"');
    await expect(failure).rejects.toBeInstanceOf(SchemaRegistryUnavailableError);
    await failure.catch((error: SchemaRegistryUnavailableError) => {
      expect(error.retriable).toBe(false);
      expect(error.message).toMatch(/127\.0\.0\.1:9 unreachable \(register t-value\).*after 3 attempts/);
    });
  });

  it('retries a 503 and then succeeds; posts the schema to /subjects/<subject>/versions', async () => {
    const seen: string[] = [];
    const url = await cannedRegistry([[503, { message: 'busy' }], [200, { id: 7 }]], seen);
    const client = createSchemaRegistryClient({ url, retry: noWait });
    expect(await client.register('sale.order-events-value', '"string"')).toBe(7);
    expect(seen).toEqual(['POST /subjects/sale.order-events-value/versions', 'POST /subjects/sale.order-events-value/versions']);
  });

  it('does not retry a 4xx answer; 404 for an id means unknown, 409 means incompatible', async () => {
    const seen: string[] = [];
    const url = await cannedRegistry([[422, { message: 'Invalid schema' }], [404, { message: 'Schema not found' }], [409, { message: 'incompatible: field x' }]], seen);
    const client = createSchemaRegistryClient({ url, retry: noWait });
    await expect(client.register('s', '{')).rejects.toBeInstanceOf(SchemaRegistryRequestError);
    expect(await client.schemaById(99)).toBeUndefined();
    await expect(client.register('s', '"int"')).rejects.toBeInstanceOf(IncompatibleSchemaError);
    expect(seen).toHaveLength(3);
  });
});
