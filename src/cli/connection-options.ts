import { Option, type Command } from 'commander';
import { ConfigError, parseKafkaConnection, splitBrokers, type KafkaConnection } from '../index.js';
import { CliUsageError } from './cli-errors.js';
import { addConfigOption, type CliConfig, type ConfigFlags } from './cli-config.js';
import { choiceOption } from './option-parsers.js';
import { checkTlsFiles } from './tls-files.js';

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** The connection flags as commander hands them over. */
export interface ConnectionFlags extends ConfigFlags {
  readonly brokers?: string;
  readonly saslMechanism?: (typeof SASL_MECHANISMS)[number];
  readonly saslUsername?: string;
  readonly saslPassword?: string;
  readonly tls?: boolean;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** Adds the flags every command that talks to Kafka shares. */
export function addConnectionOptions(command: Command): Command {
  return addConfigOption(command)
    .option('--brokers <host:port,...>', 'Kafka bootstrap brokers (default: $KAFKA_BROKERS)')
    .addOption(new Option('--sasl-mechanism <mechanism>', `SASL mechanism: ${SASL_MECHANISMS.join(', ')}`).argParser(choiceOption(SASL_MECHANISMS)))
    .option('--sasl-username <user>', 'SASL user name')
    .option('--sasl-password <password>', 'SASL password (default: $KAFKA_SASL_PASSWORD; prefer the variable, flags show up in ps)')
    .option('--tls', 'connect with TLS')
    .option('--tls-ca <file>', 'PEM file of the CA that signed the brokers\' certificates (implies --tls)')
    .option('--tls-cert <file>', 'PEM client certificate, for brokers that require one (mutual TLS; needs --tls-key, implies --tls)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert, unencrypted');
}

/**
 * Turns the flags (and their environment defaults, then the config file's `kafka`) into a validated
 * connection, or a usage error naming the flag.
 */
export function connectionFromFlags(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
  config: CliConfig = {},
): KafkaConnection {
  const file = config.kafka ?? {};
  const brokers = flags.brokers ?? env['KAFKA_BROKERS'] ?? file.brokers?.join(',');
  if (brokers === undefined || splitBrokers(brokers).length === 0) {
    throw new CliUsageError('no Kafka brokers: pass --brokers host:port or set KAFKA_BROKERS (or run `cdc-streams kafka start`)');
  }
  const password = flags.saslPassword ?? env['KAFKA_SASL_PASSWORD'] ?? file.sasl?.password;
  const saslMechanism = flags.saslMechanism ?? file.sasl?.mechanism;
  const saslUsername = flags.saslUsername ?? file.sasl?.username;
  let sasl: { mechanism: string; username: string; password: string } | undefined;
  if (saslMechanism !== undefined || saslUsername !== undefined) {
    if (saslMechanism === undefined) throw new CliUsageError('--sasl-username needs --sasl-mechanism');
    if (saslUsername === undefined) throw new CliUsageError('--sasl-mechanism needs --sasl-username');
    if (password === undefined || password === '') throw new CliUsageError('SASL needs a password: set KAFKA_SASL_PASSWORD or pass --sasl-password');
    sasl = { mechanism: saslMechanism, username: saslUsername, password };
  }
  checkTlsFiles(flags);
  const tlsFiles = {
    ...(flags.tlsCa === undefined ? {} : { caFile: flags.tlsCa }),
    ...(flags.tlsCert === undefined ? {} : { certFile: flags.tlsCert }),
    ...(flags.tlsKey === undefined ? {} : { keyFile: flags.tlsKey }),
  };
  // Flags override the config file's `kafka.tls`, file by file.
  const tlsFlags = flags.tls === true || Object.keys(tlsFiles).length > 0 ? tlsFiles : undefined;
  const tls = tlsFlags === undefined ? file.tls : { ...file.tls, ...tlsFlags };
  try {
    return parseKafkaConnection({
      ...(file.clientId === undefined ? {} : { clientId: file.clientId }),
      ...(file.connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs: file.connectionTimeoutMs }),
      brokers: splitBrokers(brokers),
      ...(sasl === undefined ? {} : { sasl }),
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(`--brokers '${brokers}': ${error.message}`, error);
    throw error;
  }
}
