import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
  KAFKA_VERSION,
  localBrokerStatus,
  startLocalBroker,
  stopLocalBroker,
  type SecuredListeners,
} from '../../local-broker/index.js';
import type { CommandContext } from '../program.js';

/** Commander option parser: a TCP port, or a usage error naming the bad value. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`'${value}' is not a TCP port (1-65535)`);
  }
  return port;
}

/** The SCRAM user `kafka start --secured` creates. */
export const SECURED_BROKER_USER = 'cdc-streams';

/** What to pass to `run` (and the other commands) to use each secured listener. */
export function securedListenerLines(secured: SecuredListeners): string[] {
  const lines = [`secured listeners (CA and client certificate in ${path.dirname(secured.caFile)}):`];
  const user = secured.saslSsl?.users[0];
  if (secured.saslSsl !== undefined && user !== undefined) {
    lines.push(
      `  SASL_SSL, SCRAM-SHA-256/512 user ${user.username}:`,
      `    export KAFKA_SASL_PASSWORD=${user.password}`,
      `    --brokers ${secured.saslSsl.brokers} --tls-ca ${secured.caFile} --sasl-mechanism scram-sha-512 --sasl-username ${user.username}`,
    );
  }
  if (secured.mutualTls !== undefined) {
    lines.push(
      '  SSL, client certificate required:',
      `    --brokers ${secured.mutualTls.brokers} --tls-ca ${secured.caFile} --tls-cert ${secured.mutualTls.certFile} --tls-key ${secured.mutualTls.keyFile}`,
    );
  }
  return lines;
}

/**
 * `cdc-streams kafka start|status|stop`: a local Apache Kafka broker that outlives the command, for
 * running the demo or poking at topics by hand. Tests do not use it; they start their own.
 */
export function registerKafkaCommand(program: Command, { io, setExitCode }: CommandContext): void {
  const kafka = program
    .command('kafka')
    .description(`start, inspect or stop a local Apache Kafka ${KAFKA_VERSION} broker (single node, KRaft, 127.0.0.1)`);

  const log = (line: string): void => io.err(`${line}\n`);

  kafka
    .command('start')
    .description('start a broker in the background and record it; downloads the jars with Maven on first use')
    .option('-p, --port <port>', 'client port (default: a free port)', parsePort)
    .option('--secured', `also listen with SASL_SSL (SCRAM user ${SECURED_BROKER_USER}, a random password) and with SSL requiring a client certificate; needs openssl`)
    .action(async (options: { port?: number; secured?: boolean }) => {
      const security = options.secured === true
        ? { scramUsers: [{ username: SECURED_BROKER_USER, password: randomBytes(18).toString('base64url') }], mutualTls: true }
        : undefined;
      const started = await startLocalBroker({
        log,
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(security === undefined ? {} : { security }),
      });
      const { record } = started;
      if (started.alreadyRunning) {
        io.out(`already running on ${record.brokers} (pid ${record.pid}, since ${record.startedAt})\n`);
      } else {
        io.out(`started Kafka ${KAFKA_VERSION} on ${record.brokers} (pid ${record.pid}) in ${(started.startupMs / 1000).toFixed(1)} s\n`);
      }
      io.out(`export KAFKA_BROKERS=${record.brokers}\n`);
      if (record.secured !== undefined) io.out(securedListenerLines(record.secured).join('\n') + '\n');
      else if (security !== undefined) {
        io.err('the running broker has no secured listeners: stop it (`cdc-streams kafka stop`), then `kafka start --secured`\n');
        setExitCode(1);
      }
    });

  kafka
    .command('status')
    .description('say whether the recorded broker runs and answers (exit 1 when it does not)')
    .action(async () => {
      const status = await localBrokerStatus();
      switch (status.state) {
        case 'not-started':
          io.out('not started (no record; run `cdc-streams kafka start`)\n');
          setExitCode(1);
          return;
        case 'dead':
          io.out(`not running: pid ${status.record.pid} recorded for ${status.record.brokers} is gone; run \`cdc-streams kafka stop\` to clear the record\n`);
          setExitCode(1);
          return;
        case 'running':
          if (status.answers) {
            io.out(`running on ${status.record.brokers} (pid ${status.record.pid}, since ${status.record.startedAt}), answers\n`);
          } else {
            io.out(`running as pid ${status.record.pid} but ${status.record.brokers} does not answer: ${status.error}\n`);
            setExitCode(1);
          }
          return;
      }
    });

  kafka
    .command('stop')
    .description('stop the recorded broker and delete its data')
    .action(async () => {
      const result = await stopLocalBroker();
      switch (result.outcome) {
        case 'nothing-recorded':
          io.out('no broker was recorded; nothing to stop\n');
          return;
        case 'cleared':
          io.out(`pid ${result.record.pid} for ${result.record.brokers} was already gone; cleared its record and data\n`);
          return;
        case 'stopped':
          io.out(`stopped ${result.record.brokers} (pid ${result.record.pid})\n`);
          return;
      }
    });
}
