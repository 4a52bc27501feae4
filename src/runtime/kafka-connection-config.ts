import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../common/errors.js';

/** How to reach Kafka: brokers plus optional SASL and TLS (real CDC subscriptions need a user and password). */
export const kafkaConnectionSchema = z.object({
  brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'a broker is host:port')).min(1, 'at least one broker is needed'),
  clientId: z.string().min(1).default('cdc-streams'),
  sasl: z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      password: z.string().min(1),
    })
    .optional(),
  tls: z
    .object({
      /** Paths of PEM files. */
      caFile: z.string().optional(),
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  connectionTimeoutMs: z.number().int().positive().default(10_000),
});

export type KafkaConnectionInput = z.input<typeof kafkaConnectionSchema>;
export type KafkaConnection = z.output<typeof kafkaConnectionSchema>;

/** Turns `zod` issues into one line naming the field. */
export function describeConfigIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => `${[prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') || 'config'}: ${issue.message}`)
    .join('; ');
}

export function parseKafkaConnection(input: unknown): KafkaConnection {
  const parsed = kafkaConnectionSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(`invalid Kafka connection: ${describeConfigIssues(parsed.error)}`);
  return parsed.data;
}

/** Comma-separated `host:port` list, as in KAFKA_BROKERS or `--brokers`. */
export function splitBrokers(list: string): string[] {
  return list
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

export function readPem(path: string | undefined, what: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the TLS ${what} file '${path}'`, error);
  }
}
