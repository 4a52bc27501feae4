import type { KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.js';
import type { Logger } from '../../common/logger.js';
import { readPem, type KafkaConnection } from '../kafka-connection-config.js';
import { readCommittedFilterInstalled } from './kafkajs-fixes.js';

let warnedUnfixedFilter = false;

/** The one place a kafkajs client is made: SASL, TLS and logging set up the same way for every use. */
export function createKafkaClient(connection: KafkaConnection, logger: Logger, clientIdSuffix = ''): Kafka {
  if (!warnedUnfixedFilter && !readCommittedFilterInstalled()) {
    warnedUnfixedFilter = true;
    logger.warn(
      "kafkajs was loaded before cdc-streams: its consumer keeps kafkajs' own read_committed filter, which can deliver records of aborted transactions (import cdc-streams before kafkajs; docs/reliability.md, 'Aborted records read as committed')",
    );
  }
  const config: KafkaConfig = {
    clientId: `${connection.clientId}${clientIdSuffix}`,
    brokers: connection.brokers,
    connectionTimeout: connection.connectionTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => logKafkajs(logger, entry),
  };
  if (connection.sasl !== undefined) config.sasl = { ...connection.sasl } as SASLOptions;
  if (connection.tls !== undefined) {
    const ca = readPem(connection.tls.caFile, 'CA');
    const cert = readPem(connection.tls.certFile, 'certificate');
    const key = readPem(connection.tls.keyFile, 'key');
    config.ssl = {
      rejectUnauthorized: connection.tls.rejectUnauthorized,
      ...(ca === undefined ? {} : { ca: [ca] }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
    };
  }
  return new Kafka(config);
}

// kafkajs reports routine start-up retries ("coordinator loading", "group rebalancing") as errors;
// they are logged at debug level here, and failures still reach callers as rejected promises.
function logKafkajs(logger: Logger, entry: LogEntry): void {
  const { message, ...rest } = entry.log;
  // `level` is the logger's own field: kafkajs' level goes under another name, or the line has two.
  const { level: _level, ...fields } = rest as Record<string, unknown>;
  logger.debug(`kafkajs: ${message}`, { namespace: entry.namespace, kafkajsLevel: entry.label, ...fields });
}
