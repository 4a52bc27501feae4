import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseKafkaConnection, splitBrokers, StreamsApp, type AppSnapshot } from '../../index.js';
import { OrderEventVerifier, formatVerification, simulateFlashSale, type ExpectedOrder } from '../../sim/index.js';
import { ensureBroker } from '../../local-broker/index.js';
import { readTopic, writeMessages } from '../../kafka-tools/index.js';
import type { CliIo } from '../cli-io.js';
import { createCliLogger } from '../cli-logger.js';
import { formatTopologyProblems, loadTopology } from '../load-topology.js';
import { createOrderEventDecoder, toOutputOrderEvent } from '../order-event-avro.js';
import { integerOption, parseFraction } from '../option-parsers.js';
import { SALE_ORDERS_TOPOLOGY, SHIPPED_SCHEMAS_DIR } from '../package-paths.js';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import { startProgress } from '../progress.js';
import { startOpsFor, type OpsHandle } from '../ops-for-app.js';
import { prepareTopic } from './simulate-command.js';
import { Option } from 'commander';

const EXAMPLES = `
Examples:
  $ npm run demo                               (the same as: cdc-streams demo)
  $ cdc-streams demo --orders 5000 --guarantee at_least_once
  $ KAFKA_BROKERS=localhost:9092 cdc-streams demo
  $ cdc-streams demo --big-remark-bytes 2000000     (some orders carry a 2 MB JSON remark)
  $ cdc-streams demo --grow-partitions-at 10000     (the input doubles its partitions mid-run)
  $ npm run demo -- --dashboard                     (keeps the app and its web dashboard open until Ctrl-C)

Finds a broker (KAFKA_BROKERS, Docker, or starts Kafka from the Maven Central jars), simulates a flash
sale into a DTS topic, runs topologies/sale-orders.ts on it, verifies every order against the
simulator's ground truth, prints a summary, and stops what it started.
Exit codes: 0 verified, 1 a difference or a failure, 2 usage error.`;

interface DemoFlags {
  readonly orders: number;
  readonly shards: number;
  readonly partitions: number;
  readonly seed: number;
  readonly guarantee: 'at_least_once' | 'exactly_once';
  readonly maxMessageBytes?: number;
  readonly bigRemarkBytes?: number;
  readonly bigRemarkRate?: number;
  readonly growPartitionsAt?: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly dashboard: boolean;
  readonly httpPort: number;
}

const STALL_MS = 120_000;
const SMALL_MESSAGE_BYTES = 16_384;
/** DTS's own limit is about the broker's 1 MiB default; big remarks are chunked at that. */
const LARGE_MESSAGE_BYTES = 1_000_000;

/** `cdc-streams demo`: the whole product in one command (README's first command). */
export function registerDemoCommand(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('demo')
    .description('simulate a flash sale, run sale-orders on it, verify the output, print a summary')
    .option('--orders <n>', 'orders in the flash sale', integerOption(1, 10_000_000), 20_000)
    .option('--shards <n>', 'MySQL shards', integerOption(1, 64), 4)
    .option('--partitions <n>', 'partitions of the DTS topic', integerOption(1, 256), 6)
    .option('--seed <n>', 'simulation seed', integerOption(0), 42)
    .option('--max-message-bytes <n>', `largest DTS message; bigger rows are chunked (default ${SMALL_MESSAGE_BYTES}, or ${LARGE_MESSAGE_BYTES} with --big-remark-bytes)`, integerOption(4096))
    .option('--big-remark-bytes <n>', 'some orders carry a JSON remark of this size (up to 64 MiB): rows bigger than a Kafka message', integerOption(16, 64 * 1024 * 1024))
    .option('--big-remark-rate <fraction>', 'share of orders with a big remark (default 0.001)', parseFraction)
    .option('--grow-partitions-at <transactions>', 'double the DTS topic\'s partitions after this many transactions, while sale-orders runs', integerOption(0))
    .addOption(
      new Option('--guarantee <guarantee>', 'processing guarantee').choices(['at_least_once', 'exactly_once'] as const).default('exactly_once'),
    )
    .addOption(new Option('--log-level <level>', 'application log level').choices(['debug', 'info', 'warn', 'error', 'silent'] as const).default('warn'))
    .option('--dashboard', 'serve the web dashboard while the demo runs and keep the app and it open until Ctrl-C', false)
    .option('--http-port <port>', 'port of the dashboard with --dashboard (0: a free port)', integerOption(0, 65535), 0)
    .addHelpText('after', EXAMPLES)
    .action(async (flags: DemoFlags) => {
      const say = (line: string) => io.err(`${line}\n`);
      const broker = await ensureBroker({ log: say });
      const workDir = await mkdtemp(join(tmpdir(), 'cdc-streams-demo-'));
      const dashboard: Dashboard = {};
      try {
        const ok = await runDemo(flags, broker.brokers, broker.startedHere, workDir, say, io, dashboard);
        if (!ok) setExitCode(EXIT_FAILURE);
      } finally {
        await dashboard.ops?.close();
        await rm(workDir, { recursive: true, force: true });
        if (broker.startedHere) {
          say('stopping the broker the demo started');
          await broker.stop();
        }
      }
    });
}

async function runDemo(
  flags: DemoFlags,
  brokers: string,
  freshBroker: boolean,
  workDir: string,
  say: (line: string) => void,
  io: CliIo,
  dashboard: Dashboard,
): Promise<boolean> {
  const out = io.out;
  const connection = parseKafkaConnection({ brokers: splitBrokers(brokers), clientId: 'cdc-streams-demo' });
  // On somebody else's broker, fresh names so an earlier run's records never mix into this one.
  const suffix = freshBroker ? '' : `-demo-${Date.now()}`;
  const inputTopic = `dts.sale${suffix}`;
  const outputTopic = `sale.order-events${suffix}`;
  const applicationId = `sale-orders${suffix}`;

  // The shipped topology and schemas, wherever the package is installed; loaded before anything is
  // written, so a topology that does not load leaves no topic behind.
  const loaded = await loadTopology(SALE_ORDERS_TOPOLOGY, { params: { inputTopic, outputTopic } });
  if (!loaded.ok) {
    say(formatTopologyProblems(SALE_ORDERS_TOPOLOGY, loaded.problems));
    return false;
  }

  // 1. the flash sale
  const maxMessageBytes = flags.maxMessageBytes ?? (flags.bigRemarkBytes !== undefined && flags.bigRemarkBytes > SMALL_MESSAGE_BYTES ? LARGE_MESSAGE_BYTES : SMALL_MESSAGE_BYTES);
  const grow = flags.growPartitionsAt === undefined ? undefined : { afterTransactions: flags.growPartitionsAt, to: flags.partitions * 2 };
  const sim = simulateFlashSale({
    seed: flags.seed,
    orders: flags.orders,
    shards: flags.shards,
    partitions: flags.partitions,
    maxMessageBytes,
    ...(flags.bigRemarkBytes === undefined ? {} : { bigRemarkBytes: flags.bigRemarkBytes }),
    ...(flags.bigRemarkRate === undefined ? {} : { bigRemarkRate: flags.bigRemarkRate }),
    ...(grow === undefined ? {} : { partitionIncrease: grow }),
  });
  let totalMessages = 0;
  for (const _ of sim.messages) totalMessages++;
  const truth = new Map<string, ExpectedOrder>();
  let expectedEvents = 0;
  let expirations = 0;
  for (const order of sim.groundTruth) {
    truth.set(order.orderId, order);
    expectedEvents += order.events.length;
    expirations += order.events.filter((e) => e.type === 'OrderExpired').length;
  }
  await prepareTopic(connection, inputTopic, sim.options.writer.partitions, sim.options.writer.maxMessageBytes, true, say);
  const writeBar = startProgress(io, { label: 'simulating  ', total: totalMessages, unit: 'messages' });
  const write = (): Promise<unknown> =>
    writeMessages(connection, inputTopic, sim.messages, {
      ...(grow === undefined ? {} : { growTo: grow.to }),
      onProgress: (p) => writeBar.update(p.messages, `${p.partitions} partitions`),
    }).finally(() => writeBar.stop());
  // Growing the input is only interesting while the application runs: then it writes as sale-orders reads.
  let writing: Promise<unknown> | undefined;
  if (grow === undefined) await write();

  // 2. the topology
  const logger = createCliLogger(flags.logLevel);
  const app = new StreamsApp(
    loaded.topology,
    { applicationId, kafka: connection, stateDir: join(workDir, 'state'), processingGuarantee: flags.guarantee, commitIntervalMs: 500 },
    { logger, endpoint: () => dashboard.ops?.endpoint },
  );
  if (flags.dashboard) {
    dashboard.ops = await startOpsFor(app, flags.httpPort, logger);
    say(`dashboard: ${dashboard.ops.url}/`);
  }
  const runBar = startProgress(io, { label: 'sale-orders ', total: expectedEvents, unit: 'events' });
  const started = Date.now();
  await app.start();
  if (grow !== undefined) writing = write();
  let writeFailure: unknown;
  writing?.catch((error: unknown) => {
    writeFailure = error;
  });
  let snapshot: AppSnapshot = app.snapshot();
  let lastCount = -1;
  let lastChange = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    snapshot = app.snapshot();
    const produced = snapshot.recordsOut[outputTopic] ?? 0;
    runBar.update(Math.min(produced, expectedEvents), `${snapshot.recordsIn[inputTopic] ?? 0}/${totalMessages} messages in`);
    if (produced !== lastCount) {
      lastCount = produced;
      lastChange = Date.now();
    }
    if (produced >= expectedEvents && (snapshot.recordsIn[inputTopic] ?? 0) >= totalMessages) break;
    if (writeFailure !== undefined) {
      runBar.stop();
      say(`writing the flash sale failed: ${writeFailure instanceof Error ? writeFailure.message : String(writeFailure)}`);
      await app.close();
      return false;
    }
    if (snapshot.state === 'ERROR' || snapshot.state === 'NOT_RUNNING') {
      runBar.stop();
      await app.stopped.catch((error: unknown) => say(`sale-orders failed: ${error instanceof Error ? error.message : String(error)}`));
      return false;
    }
    if (Date.now() - lastChange > STALL_MS) {
      say(`no progress for ${STALL_MS / 1000} s; stopping and verifying what was written`);
      break;
    }
  }
  const processingMs = Date.now() - started;
  runBar.stop();
  await writing;
  // With the dashboard the app stays up (idle) so that it can be looked at after the summary.
  if (dashboard.ops === undefined) await app.close();

  // 3. verification against the ground truth
  const decoder = await createOrderEventDecoder({ schemasDir: SHIPPED_SCHEMAS_DIR });
  const verifier = new OrderEventVerifier(truth);
  const readBar = startProgress(io, { label: 'verifying   ', total: expectedEvents, unit: 'events' });
  let read = 0;
  for await (const record of readTopic(connection, outputTopic, { isolation: 'read_committed', idleMs: 3000 })) {
    verifier.observe(toOutputOrderEvent(await decoder.decode(record)));
    readBar.update(++read);
  }
  readBar.stop();
  const summary = verifier.result();

  // 4. the summary
  const sum = (name: string) =>
    snapshot.tasks.reduce((total, t) => total + Object.values(t.processors).reduce((s, m) => s + (m[name] ?? 0), 0), 0);
  const seconds = processingMs / 1000;
  const rows: Array<[string, string]> = [
    ['orders', `${truth.size}`],
    ['events expected / read', `${expectedEvents} / ${read}`],
    ['expirations (OrderExpired)', `${expirations}`],
    ['DTS messages (chunk pieces)', `${totalMessages} (${sim.stats.pieces} pieces in ${sim.stats.chunkedGroups} chunked groups)`],
    ['messages reassembled and decoded', `${sum('groupsCompleted')}`],
    ['redelivered messages written', `${sim.stats.redeliveredMessages}`],
    ['duplicate pieces ignored', `${sum('duplicatePieces')}`],
    ['orphan pieces skipped', `${sum('orphanPieces')}`],
    ['duplicate events dropped', `${sum('duplicatesDropped')}`],
    ['rolled-back transactions dropped', `${sum('rollbacks')}`],
    ['dead letters', `${snapshot.deadLetters}`],
    ...(flags.bigRemarkBytes === undefined ? [] : [['big remarks', `${flags.bigRemarkBytes} bytes; DTS messages up to ${maxMessageBytes} bytes`] as [string, string]]),
    ...(grow === undefined ? [] : [['partition growth', `${flags.partitions} -> ${grow.to} after ${grow.afterTransactions} transactions, while running`] as [string, string]]),
    ['guarantee', flags.guarantee],
    ['processing time', `${seconds.toFixed(1)} s`],
    ['throughput', `${Math.round(totalMessages / seconds)} input messages/s, ${Math.round(expectedEvents / seconds)} output events/s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  out(`\n${formatVerification(summary)}\n\n`);
  out(`${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n\n`);
  out(summary.ok ? 'demo: all clear — every order matches the ground truth\n' : 'demo: FAILED — see the differences above\n');
  if (dashboard.ops !== undefined) {
    say(`the app and its dashboard stay up at ${dashboard.ops.url}/ — press Ctrl-C to stop`);
    await untilInterrupted();
    await app.close();
  }
  return summary.ok;
}

/** The demo's ops server, when `--dashboard` started one; the command closes it at the end. */
interface Dashboard {
  ops?: OpsHandle;
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
