import apiModule from '@kafkajs/confluent-schema-registry/dist/api/index.js';
import { z } from 'zod';
import { RetriesExhaustedError, retry, type RetryOptions } from '../../common/retry.js';
import { IncompatibleSchemaError, SchemaRegistryRequestError, SchemaRegistryUnavailableError } from './registry-errors.js';
import type { RegistryCompatibility, SchemaRegistryClient, SubjectVersion } from './schema-registry-client.js';

export interface SchemaRegistryClientOptions {
  /** Base URL of the Confluent-compatible API, e.g. `http://localhost:8081` or Apicurio's `.../apis/ccompat/v7`. */
  readonly url: string;
  readonly retry?: RetryOptions;
  readonly auth?: { readonly username: string; readonly password: string };
}

type CreateApiClient = typeof apiModule.default;
// Node hands over a CommonJS module's exports object as the default import, Vite (vitest) its
// `exports.default`: accept both shapes rather than depend on who loads us.
const createApiClient: CreateApiClient =
  typeof apiModule === 'function' ? (apiModule as unknown as CreateApiClient) : apiModule.default;

// mappersmith reports a request that got no answer at all (refused, reset, DNS) as an HTTP 400 whose
// text is the socket error; these codes are how it is told apart from a registry's real 400.
const NO_ANSWER = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)\b|socket hang up/;

const failureShape = z.object({ status: z.number().optional(), message: z.string().optional() });
const idShape = z.object({ id: z.number() });
const schemaShape = z.object({ schema: z.string() });
const versionShape = z.object({ version: z.number(), id: z.number(), schema: z.string() });
const compatibilityShape = z.object({ is_compatible: z.boolean(), messages: z.array(z.string()).optional() });

interface Answer {
  data(): unknown;
}

/**
 * The real `SchemaRegistryClient`: the HTTP API of @kafkajs/confluent-schema-registry (the one place
 * in cdc-streams that imports it), with our own retry (backoff + jitter) instead of the library's,
 * and answers validated rather than trusted.
 */
export function createSchemaRegistryClient(options: SchemaRegistryClientOptions): SchemaRegistryClient {
  const url = options.url.replace(/\/+$/, '');
  const api = createApiClient({
    host: url,
    retry: { retries: 0 },
    ...(options.auth === undefined ? {} : { auth: options.auth }),
  });

  async function call<T>(request: string, send: () => Promise<Answer>, shape: z.ZodType<T>): Promise<T>;
  async function call<T>(request: string, send: () => Promise<Answer>, shape: z.ZodType<T>, notFound: T): Promise<T>;
  async function call<T>(request: string, send: () => Promise<Answer>, shape: z.ZodType<T>, ...notFound: [T?]): Promise<T> {
    try {
      return await retry(async () => {
        let answer: Answer;
        try {
          answer = await send();
        } catch (error) {
          const failure = failureShape.safeParse(error);
          const status = failure.success ? failure.data.status : undefined;
          if (status === 404 && notFound.length > 0) return notFound[0] as T;
          const detail = failure.success ? (failure.data.message ?? 'no message') : String(error);
          if (status === 409) throw new IncompatibleSchemaError(request, detail, error);
          const noAnswer = status === undefined || (status === 400 && NO_ANSWER.test(detail));
          throw new SchemaRegistryRequestError(request, noAnswer ? undefined : status, detail, error);
        }
        const parsed = shape.safeParse(answer.data());
        if (!parsed.success) throw new SchemaRegistryRequestError(request, 200, `unexpected answer: ${parsed.error.message}`);
        return parsed.data;
      }, { operation: `schema registry ${request}`, ...options.retry });
    } catch (error) {
      if (error instanceof RetriesExhaustedError) throw new SchemaRegistryUnavailableError(url, request, error);
      throw error;
    }
  }

  return {
    url,
    async register(subject, schema) {
      const send = () => api.Subject.register({ subject, body: { schema } }) as Promise<Answer>;
      return (await call(`register ${subject}`, send, idShape)).id;
    },
    async schemaById(id) {
      const send = () => api.Schema.find({ id }) as Promise<Answer>;
      return (await call(`get schema id ${id}`, send, schemaShape.optional(), undefined))?.schema;
    },
    async versions(subject) {
      const latestSend = () => api.Subject.latestVersion({ subject }) as Promise<Answer>;
      const latest = await call(`get ${subject} latest`, latestSend, versionShape.optional(), undefined);
      if (latest === undefined) return [];
      const found: SubjectVersion[] = [];
      for (let version = 1; version < latest.version; version += 1) {
        const send = () => api.Subject.version({ subject, version }) as Promise<Answer>;
        // A soft-deleted version answers 404; the others are what compatibility is checked against.
        const entry = await call(`get ${subject} v${version}`, send, versionShape.optional(), undefined);
        if (entry !== undefined) found.push(entry);
      }
      found.push(latest);
      return found;
    },
    async testCompatibility(subject, schema): Promise<RegistryCompatibility> {
      const send = () => api.Subject.compatible({ subject, version: 'latest', verbose: true, body: { schema } }) as Promise<Answer>;
      const answer = await call(`check ${subject}`, send, compatibilityShape.optional(), undefined);
      // No such subject: anything may be registered as its first version.
      if (answer === undefined) return { compatible: true, messages: [] };
      return { compatible: answer.is_compatible, messages: answer.messages ?? [] };
    },
  };
}
