import { Command, InvalidArgumentError } from 'commander';
import {
  KAFKA_VERSION,
  localBrokerStatus,
  startLocalBroker,
  stopLocalBroker,
} from '../../runtime/kafka/local-broker/index.js';
import type { CommandContext } from '../program.js';

/** Commander option parser: a TCP port, or a usage error naming the bad value. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`'${value}' is not a TCP port (1-65535)`);
  }
  return port;
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
    .action(async (options: { port?: number }) => {
      const started = await startLocalBroker({ log, ...(options.port === undefined ? {} : { port: options.port }) });
      const { record } = started;
      if (started.alreadyRunning) {
        io.out(`already running on ${record.brokers} (pid ${record.pid}, since ${record.startedAt})\n`);
      } else {
        io.out(`started Kafka ${KAFKA_VERSION} on ${record.brokers} (pid ${record.pid}) in ${(started.startupMs / 1000).toFixed(1)} s\n`);
      }
      io.out(`export KAFKA_BROKERS=${record.brokers}\n`);
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
