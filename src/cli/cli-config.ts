import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { appConfigSchema } from '../index.js';
import { describeConfigIssues, kafkaConnectionSchema } from '../runtime/kafka-connection-config.js';
import { CliUsageError } from './cli-errors.js';
import { LOG_LEVELS } from './cli-logger.js';

/** Looked for in the working directory when `--config` is not given. */
export const CONFIG_FILE_NAMES = ['cdc-streams.config.json', 'cdc-streams.config.yaml', 'cdc-streams.config.yml'] as const;

/** An http(s) URL; `--schema-registry notaurl` must fail before anything connects. */
export const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const kafka = kafkaConnectionSchema.shape;
const app = appConfigSchema.shape;

/**
 * The config file: the application's own configuration (`AppConfigInput`, checked by the same zod
 * fields as `StreamsApp` checks it with) plus the topology settings and log level of the CLI. Every
 * level is strict, so a misspelt key is an error naming it. Where a command has a flag for a key, the
 * flag wins, then its environment variable, then the file.
 */
export const cliConfigSchema = z.strictObject({
  applicationId: app.applicationId.optional(),
  kafka: z
    .strictObject({
      brokers: kafka.brokers.optional(),
      clientId: kafka.clientId.unwrap().optional(),
      sasl: kafka.sasl.unwrap().strict().optional(),
      tls: kafka.tls.unwrap().strict().optional(),
      connectionTimeoutMs: kafka.connectionTimeoutMs.unwrap().optional(),
    })
    .optional(),
  stateDir: app.stateDir,
  processingGuarantee: app.processingGuarantee.unwrap().optional(),
  commitIntervalMs: app.commitIntervalMs.unwrap().optional(),
  punctuationIntervalMs: app.punctuationIntervalMs.unwrap().optional(),
  metadataRefreshMs: app.metadataRefreshMs.unwrap().optional(),
  metadataRefreshOnInputMs: app.metadataRefreshOnInputMs.unwrap().optional(),
  repartitionPurgeIntervalMs: app.repartitionPurgeIntervalMs.unwrap().optional(),
  httpPort: app.httpPort,
  advertisedEndpoint: app.advertisedEndpoint,
  errorPolicies: z
    .strictObject({
      deserialization: z.enum(['fail', 'dead-letter']).optional(),
      processing: z.enum(['fail', 'dead-letter']).optional(),
    })
    .optional(),
  defaultStoreKind: app.defaultStoreKind.unwrap().optional(),
  maxBufferedEntriesPerStore: app.maxBufferedEntriesPerStore.unwrap().optional(),
  taskConcurrency: app.taskConcurrency.unwrap().optional(),
  numStandbyReplicas: app.numStandbyReplicas.unwrap().optional(),
  producerBatchRecords: app.producerBatchRecords.unwrap().optional(),
  replicationFactor: app.replicationFactor.unwrap().optional(),
  fetchMaxBytes: app.fetchMaxBytes.unwrap().optional(),
  fetchMaxBytesPerPartition: app.fetchMaxBytesPerPartition.unwrap().optional(),
  sessionTimeoutMs: app.sessionTimeoutMs.unwrap().optional(),
  brokerLossTimeoutMs: app.brokerLossTimeoutMs.unwrap().optional(),
  transactionTimeoutMs: app.transactionTimeoutMs.unwrap().optional(),
  inputIdleWarningMs: app.inputIdleWarningMs.unwrap().optional(),
  /** Folder of the topology's `.avsc` files (relative paths: to the working directory). */
  schemas: z.string().min(1).optional(),
  schemaRegistryUrl: httpUrlSchema.optional(),
  /** Topology parameters, as `--set key=value`. */
  params: z.record(z.string(), z.string()).optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
});

export type CliConfig = z.output<typeof cliConfigSchema>;

/** The `--config` flag every command with connection or topology flags has. */
export interface ConfigFlags {
  readonly config?: string;
}

/** Adds `--config <file>` once, however many option groups of a command ask for it. */
export function addConfigOption(command: Command): Command {
  if (command.options.some((option) => option.long === '--config')) return command;
  return command.option('--config <file>', `config file (default: ${CONFIG_FILE_NAMES.join(' or ')} in the working directory, if there)`);
}

/**
 * Reads `--config <file>`, or else the one `cdc-streams.config.{json,yaml,yml}` in `cwd`, or returns
 * an empty config. A file that cannot be read, parsed or validated is a usage error naming the file and
 * the key.
 */
export function readCliConfig(flags: ConfigFlags, cwd = process.cwd()): CliConfig {
  const file = flags.config ?? findConfigFile(cwd);
  if (file === undefined) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read config file '${file}': ${error instanceof Error ? error.message : String(error)}`, error);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`config file '${file}' does not parse: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const parsed = cliConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new CliUsageError(`config file '${file}': ${describeConfigIssues(parsed.error)}`);
  return parsed.data;
}

function findConfigFile(cwd: string): string | undefined {
  const found = CONFIG_FILE_NAMES.map((name) => join(cwd, name)).filter((path) => existsSync(path));
  if (found.length > 1) throw new CliUsageError(`more than one config file: ${found.join(', ')}; keep one, or pass --config <file>`);
  return found[0];
}
