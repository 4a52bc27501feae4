import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../common/errors.js';
import { describeConfigIssues, kafkaConnectionSchema } from './kafka-connection-config.js';

const errorPolicy = z.enum(['fail', 'dead-letter']);

/**
 * Everything a running application is configured with, validated before anything connects. Defaults
 * never depend on NODE_ENV.
 */
export const appConfigSchema = z.object({
  applicationId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only"),
  kafka: kafkaConnectionSchema,
  /** Default `./.state/<applicationId>`. */
  stateDir: z.string().min(1).optional(),
  processingGuarantee: z.enum(['at_least_once', 'exactly_once']).default('at_least_once'),
  /** How often offsets (and, under exactly_once, the transaction) are committed. */
  commitIntervalMs: z.number().int().positive().default(1000),
  /** How often wall-clock punctuation is checked. */
  punctuationIntervalMs: z.number().int().positive().default(100),
  /**
   * How often the input topics' partition counts are read while no input arrives. CDC progress is
   * announced only with a count read after it was observed (partition-growth safety).
   */
  metadataRefreshMs: z.number().int().positive().default(200),
  /**
   * After a processed input batch, the counts are read again as soon as the previous read is done and
   * this long after it began: what partition-growth safety adds to a watermark while input flows.
   */
  metadataRefreshOnInputMs: z.number().int().positive().default(200),
  /**
   * How often, at most, repartition records the application has consumed and committed are deleted
   * (after a commit; Kafka Streams' repartition.purge.interval.ms, same default).
   */
  repartitionPurgeIntervalMs: z.number().int().positive().default(30_000),
  /** Port of /health, /metrics and /stores; none when absent, 0 picks a free one. */
  httpPort: z.number().int().min(0).max(65535).optional(),
  /** `host:port` other instances use to reach this one's /stores (interactive queries). */
  advertisedEndpoint: z
    .string()
    .regex(/^(?:\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+):\d{1,5}$/, 'must be host:port (e.g. host-a.internal:8080, [::1]:8080), without a scheme')
    .optional(),
  errorPolicies: z
    .object({ deserialization: errorPolicy.default('fail'), processing: errorPolicy.default('fail') })
    .default({ deserialization: 'fail', processing: 'fail' }),
  defaultStoreKind: z.enum(['persistent', 'in-memory']).default('persistent'),
  maxBufferedEntriesPerStore: z.number().int().positive().default(10_000),
  /**
   * Stream threads (Kafka Streams' num.stream.threads): with more than 1, tasks run in that many worker
   * threads with their stores while the main thread does the Kafka I/O; needs the topology as a module
   * (StreamsAppOptions.workerTopology; the CLI passes its topology file).
   */
  numStreamThreads: z.number().int().min(1).max(64).default(1),
  /**
   * Standby replicas (Kafka Streams' num.standby.replicas): each stateful task gets up to this many
   * standbys on other instances, which keep its stores from its changelog, so a failover restores only
   * the tail (docs/runtime.md, "Standby replicas").
   */
  numStandbyReplicas: z.number().int().min(0).max(16).default(0),
  /** Batches of different tasks processed at the same time (kafkajs partitionsConsumedConcurrently). */
  taskConcurrency: z.number().int().min(1).max(64).default(6),
  /** Records buffered before the producer is handed a batch (kafkajs copies its message list per message, so very large batches cost quadratic time). */
  producerBatchRecords: z.number().int().positive().default(2_000),
  /** Replication factor for topics the application creates; -1 takes the broker's default. */
  replicationFactor: z.number().int().min(-1).default(-1),
  /** Upper bound of one fetch; with one batch processed at a time this bounds input buffering. */
  fetchMaxBytes: z.number().int().positive().default(1024 * 1024),
  fetchMaxBytesPerPartition: z.number().int().positive().default(256 * 1024),
  /**
   * How long the group waits for a silent instance before moving its tasks: a crashed instance's tasks
   * (and a restarted one's, which must wait for its dead predecessor to leave) run again after about
   * this long. Heartbeats go on during long batches, so only a dead or frozen process reaches it
   * (docs/reliability.md).
   */
  sessionTimeoutMs: z.number().int().min(6000).default(10_000),
  /** Transaction timeout under exactly_once: how long a crashed instance's open transaction can block readers. */
  transactionTimeoutMs: z.number().int().positive().default(15_000),
  /**
   * How long a running application rides out an unreachable broker (a broker restart) before it fails
   * (Kafka Streams' task.timeout.ms, same default): a commit or a fetch that fails because the broker,
   * its group coordinator or a leader cannot be reached replaces the runtime, started again with a
   * backoff of 1 s doubling to 10 s, for up to this long from the first failure; 0: fail at once
   * (docs/reliability.md).
   */
  brokerLossTimeoutMs: z.number().int().min(0).default(300_000),
  /** A running application that reads no input record for this long logs a warning (once per quiet stretch); 0: never. */
  inputIdleWarningMs: z.number().int().min(0).default(60_000),
});

export type AppConfigInput = z.input<typeof appConfigSchema>;
export type AppConfig = z.output<typeof appConfigSchema> & { readonly stateDir: string };

export function parseAppConfig(input: unknown): AppConfig {
  const parsed = appConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeConfigIssues(parsed.error)}`);
  return { ...parsed.data, stateDir: parsed.data.stateDir ?? join('.state', parsed.data.applicationId) };
}
