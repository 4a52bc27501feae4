import { Option, type Command } from 'commander';
import { StreamsApp, type AppConfigInput, type Logger } from '../../index.js';
import { readCliConfig, type CliConfig } from '../cli-config.js';
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from '../connection-options.js';
import { formatTopologyProblems, loadTopology } from '../load-topology.js';
import { integerOption, parseHost } from '../option-parsers.js';
import { CliUsageError } from '../cli-errors.js';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import { addTopologyOptions, topologySettingsFromFlags, type TopologyFlags } from '../topology-options.js';
import { createCliLogger, LOG_LEVELS, type LogLevel } from '../cli-logger.js';
import { startOpsFor, type OpsHandle } from '../ops-for-app.js';
import { TOPOLOGY_FOR_WORKER_MODULE, topologyForWorkerArgs } from '../topology-for-worker.js';

const EXAMPLES = `
Examples:
  $ cdc-streams run topologies/sale-orders.ts --brokers localhost:9092
  $ cdc-streams run topologies/sale-orders.ts --guarantee exactly_once --http-port 8080
  $ cdc-streams run my-topology.ts --config cdc-streams.config.yaml --replication-factor 3
  $ KAFKA_SASL_PASSWORD=... cdc-streams run my-topology.ts --brokers broker:9093 --tls \\
      --sasl-mechanism scram-sha-512 --sasl-username app --set paymentTimeoutMinutes=15

Settings come from the flags, then environment variables, then the config file, then the defaults.
Stops on SIGTERM or SIGINT: finishes in-flight work, commits, closes stores, leaves the group, exits 0.
Exit codes: 0 stopped cleanly, 1 the topology is invalid or the application failed, 2 usage error.`;

const GUARANTEES = ['at_least_once', 'exactly_once'] as const;
const ERROR_POLICIES = ['fail', 'dead-letter'] as const;

export interface RunFlags extends ConnectionFlags, TopologyFlags {
  readonly applicationId?: string;
  readonly stateDir?: string;
  readonly guarantee?: (typeof GUARANTEES)[number];
  readonly commitIntervalMs?: number;
  readonly metadataRefreshMs?: number;
  readonly metadataRefreshOnInputMs?: number;
  readonly repartitionPurgeIntervalMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly brokerLossTimeoutMs?: number;
  readonly threads?: number;
  readonly standbyReplicas?: number;
  readonly httpPort?: number;
  readonly httpHost?: string;
  readonly advertisedEndpoint?: string;
  readonly replicationFactor?: number;
  readonly onError?: (typeof ERROR_POLICIES)[number];
  readonly logLevel?: LogLevel;
}

/** `cdc-streams run <topology>`: runs a topology against Kafka until SIGTERM/SIGINT. */
export function registerRunCommand(program: Command, { io, setExitCode }: CommandContext): void {
  addTopologyOptions(
    addConnectionOptions(
      program
        .command('run')
        .description('run a topology against Kafka (scale out by starting more instances with the same application id)')
        .argument('<topology>', 'a .ts or .js file whose default export is defineTopology({...})')
        .option('--application-id <id>', "override the topology's applicationId (consumer group, internal topic prefix)")
        .option('--state-dir <dir>', 'where RocksDB stores live (default ./.state/<applicationId>)')
        .addOption(new Option('--guarantee <guarantee>', 'processing guarantee (default: at_least_once)').choices(GUARANTEES))
        .option('--commit-interval-ms <ms>', 'commit interval (default 1000)', integerOption(1))
        .option('--threads <n>', 'stream threads: tasks run in this many worker threads with their stores (default 1: in the main thread)', integerOption(1, 64))
        .option('--standby-replicas <n>', 'standby copies of each stateful task on other instances, kept from its changelog for a fast failover (default 0)', integerOption(0, 16))
        .option('--metadata-refresh-ms <ms>', "how often the input topics' partition counts are read while no input arrives (default 200)", integerOption(1))
        .option(
          '--metadata-refresh-on-input-ms <ms>',
          "after input, how soon after the previous read the partition counts are read again (default 200; lower it for lower latency at some CPU cost, docs/cdc.md, Partition growth)",
          integerOption(1),
        )
        .option('--repartition-purge-interval-ms <ms>', 'how often, at most, consumed and committed repartition records are deleted (default 30000)', integerOption(1))
        .option(
          '--session-timeout-ms <ms>',
          "how long the group waits for a silent instance before moving its tasks (default 10000; docs/reliability.md)",
          integerOption(1),
        )
        .option(
          '--broker-loss-timeout-ms <ms>',
          'how long a running application rides out an unreachable broker (a broker restart) by starting again in-process before it exits; 0: exit at once (default 300000; docs/reliability.md)',
          integerOption(0),
        )
        .option('--http-port <port>', 'serve the dashboard (/), /health, /metrics and /stores/<store>/<key> on this port (no authentication)', integerOption(0, 65535))
        .option('--http-host <host>', 'address the ops server binds (default 127.0.0.1; 0.0.0.0 for every interface)', parseHost)
        .option('--advertised-endpoint <host:port>', 'how other instances and clients reach this one\'s --http-port (default: the bound address and port)')
        .option('--replication-factor <n>', 'replication factor of the topics the application creates (default: the broker\'s)', integerOption(1, 32767))
        .addOption(
          new Option('--on-error <policy>', 'records that fail to deserialize or process: fail, or send to <applicationId>-dlq (default: fail)').choices(
            ERROR_POLICIES,
          ),
        )
        .addOption(new Option('--log-level <level>', 'log level; logs go to stderr (default: info)').choices(LOG_LEVELS)),
    ),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: RunFlags) => {
      if (flags.httpHost !== undefined && flags.httpPort === undefined) throw new CliUsageError('--http-host needs --http-port');
      const fileConfig = readCliConfig(flags);
      const connection = connectionFromFlags(flags, process.env, fileConfig);
      const loaded = await loadTopology(file, topologySettingsFromFlags(flags, process.env, fileConfig));
      if (!loaded.ok) {
        io.err(`${formatTopologyProblems(file, loaded.problems)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const logger = createCliLogger(flags.logLevel ?? fileConfig.logLevel ?? 'info');
      const config = appConfigFrom(flags, fileConfig, loaded.definition.applicationId, connection);
      let ops: OpsHandle | undefined;
      const settings = topologySettingsFromFlags(flags, process.env, fileConfig);
      const app = new StreamsApp(loaded.topology, config, {
        logger,
        endpoint: () => config.advertisedEndpoint ?? ops?.endpoint,
        // Stream threads build the topology from the same file and settings.
        workerTopology: { module: TOPOLOGY_FOR_WORKER_MODULE, args: topologyForWorkerArgs(file, settings) },
      });
      try {
        // Before the app joins its group: the endpoint the other instances learn is this server's.
        if (config.httpPort !== undefined) ops = await startOpsFor(app, config.httpPort, logger, flags.httpHost);
        await runUntilSignalled(app, logger, async () => {
          io.err(`running ${app.config.applicationId} (${app.config.processingGuarantee}); stop with Ctrl-C or SIGTERM\n`);
          if (ops !== undefined) io.err(`dashboard: ${ops.url}/\n`);
        });
      } finally {
        // Also when the application failed: a listening server would keep the process from exiting.
        await ops?.close();
      }
    });
}

/** The config file's application settings with the flags over them; StreamsApp validates the whole. */
export function appConfigFrom(flags: RunFlags, file: CliConfig, topologyApplicationId: string, kafka: AppConfigInput['kafka']): AppConfigInput {
  const {
    kafka: _kafka,
    schemas: _schemas,
    schemaRegistryUrl: _registry,
    params: _params,
    logLevel: _logLevel,
    errorPolicies: fileErrorPolicies,
    ...fileApp
  } = file;
  const onError = flags.onError === undefined ? {} : { deserialization: flags.onError, processing: flags.onError };
  return {
    ...fileApp,
    applicationId: flags.applicationId ?? file.applicationId ?? topologyApplicationId,
    kafka,
    errorPolicies: { ...fileErrorPolicies, ...onError },
    ...(flags.stateDir === undefined ? {} : { stateDir: flags.stateDir }),
    ...(flags.guarantee === undefined ? {} : { processingGuarantee: flags.guarantee }),
    ...(flags.commitIntervalMs === undefined ? {} : { commitIntervalMs: flags.commitIntervalMs }),
    ...(flags.metadataRefreshMs === undefined ? {} : { metadataRefreshMs: flags.metadataRefreshMs }),
    ...(flags.metadataRefreshOnInputMs === undefined ? {} : { metadataRefreshOnInputMs: flags.metadataRefreshOnInputMs }),
    ...(flags.repartitionPurgeIntervalMs === undefined ? {} : { repartitionPurgeIntervalMs: flags.repartitionPurgeIntervalMs }),
    ...(flags.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: flags.sessionTimeoutMs }),
    ...(flags.brokerLossTimeoutMs === undefined ? {} : { brokerLossTimeoutMs: flags.brokerLossTimeoutMs }),
    ...(flags.threads === undefined ? {} : { numStreamThreads: flags.threads }),
    ...(flags.standbyReplicas === undefined ? {} : { numStandbyReplicas: flags.standbyReplicas }),
    ...(flags.httpPort === undefined ? {} : { httpPort: flags.httpPort }),
    ...(flags.advertisedEndpoint === undefined ? {} : { advertisedEndpoint: flags.advertisedEndpoint }),
    ...(flags.replicationFactor === undefined ? {} : { replicationFactor: flags.replicationFactor }),
  };
}

/** Starts the app, stops it on SIGTERM/SIGINT, and resolves when it has stopped (rejects if it failed). */
async function runUntilSignalled(app: StreamsApp, logger: Logger, started: () => Promise<void>): Promise<void> {
  const stop = (signal: NodeJS.Signals) => {
    logger.info('stopping', { signal });
    void app.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await app.start();
    await started();
    await app.stopped;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
