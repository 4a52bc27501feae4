import { Option, type Command } from 'commander';
import { StreamsApp, type AppConfigInput, type Logger } from '../../index.js';
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from '../connection-options.js';
import { formatTopologyProblems, loadTopology } from '../load-topology.js';
import { choiceOption, integerOption, parseHost } from '../option-parsers.js';
import { CliUsageError } from '../cli-errors.js';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import { addTopologyOptions, topologySettingsFromFlags, type TopologyFlags } from '../topology-options.js';
import { createCliLogger, LOG_LEVELS, type LogLevel } from '../cli-logger.js';
import { startOpsFor, type OpsHandle } from '../ops-for-app.js';

const EXAMPLES = `
Examples:
  $ cdc-streams run topologies/sale-orders.ts --brokers localhost:9092
  $ cdc-streams run topologies/sale-orders.ts --guarantee exactly_once --http-port 8080
  $ KAFKA_SASL_PASSWORD=... cdc-streams run my-topology.ts --brokers broker:9093 --tls \\
      --sasl-mechanism scram-sha-512 --sasl-username app --set paymentTimeoutMinutes=15

Stops on SIGTERM or SIGINT: finishes in-flight work, commits, closes stores, leaves the group, exits 0.
Exit codes: 0 stopped cleanly, 1 the topology is invalid or the application failed, 2 usage error.`;

interface RunFlags extends ConnectionFlags, TopologyFlags {
  readonly applicationId?: string;
  readonly stateDir?: string;
  readonly guarantee: 'at_least_once' | 'exactly_once';
  readonly commitIntervalMs?: number;
  readonly metadataRefreshMs?: number;
  readonly httpPort?: number;
  readonly httpHost?: string;
  readonly onError: 'fail' | 'dead-letter';
  readonly logLevel: LogLevel;
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
        .addOption(
          new Option('--guarantee <guarantee>', 'processing guarantee')
            .argParser(choiceOption(['at_least_once', 'exactly_once'] as const))
            .default('at_least_once'),
        )
        .option('--commit-interval-ms <ms>', 'commit interval (default 1000)', integerOption(1))
        .option('--metadata-refresh-ms <ms>', "how often the input topics' partition counts are read (default 200)", integerOption(1))
        .option('--http-port <port>', 'serve /health, /metrics and /stores/<store>/<key> on this port (no authentication)', integerOption(0, 65535))
        .option('--http-host <host>', 'address the ops server binds (default 127.0.0.1; 0.0.0.0 for every interface)', parseHost)
        .addOption(
          new Option('--on-error <policy>', 'records that fail to deserialize or process: fail, or send to <applicationId>-dlq')
            .argParser(choiceOption(['fail', 'dead-letter'] as const))
            .default('fail'),
        )
        .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').argParser(choiceOption(LOG_LEVELS)).default('info')),
    ),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: RunFlags) => {
      if (flags.httpHost !== undefined && flags.httpPort === undefined) throw new CliUsageError('--http-host needs --http-port');
      const connection = connectionFromFlags(flags);
      const loaded = await loadTopology(file, topologySettingsFromFlags(flags));
      if (!loaded.ok) {
        io.err(`${formatTopologyProblems(file, loaded.problems)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const logger = createCliLogger(flags.logLevel);
      const config: AppConfigInput = {
        applicationId: flags.applicationId ?? loaded.definition.applicationId,
        kafka: connection,
        processingGuarantee: flags.guarantee,
        errorPolicies: { deserialization: flags.onError, processing: flags.onError },
        ...(flags.stateDir === undefined ? {} : { stateDir: flags.stateDir }),
        ...(flags.commitIntervalMs === undefined ? {} : { commitIntervalMs: flags.commitIntervalMs }),
        ...(flags.metadataRefreshMs === undefined ? {} : { metadataRefreshMs: flags.metadataRefreshMs }),
        ...(flags.httpPort === undefined ? {} : { httpPort: flags.httpPort }),
      };
      let ops: OpsHandle | undefined;
      const app = new StreamsApp(loaded.topology, config, { logger, endpoint: () => ops?.endpoint });
      try {
        await runUntilSignalled(app, logger, async () => {
          if (flags.httpPort !== undefined) ops = await startOpsFor(app, flags.httpPort, logger, flags.httpHost);
          io.err(`running ${app.config.applicationId} (${app.config.processingGuarantee}); stop with Ctrl-C or SIGTERM\n`);
        });
      } finally {
        // Also when the application failed: a listening server would keep the process from exiting.
        await ops?.close();
      }
    });
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
