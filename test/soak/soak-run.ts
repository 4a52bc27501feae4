import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderEventDecoder, toOutputOrderEvent } from '../../src/cli/order-event-avro.js';
import { parseKafkaConnection, splitBrokers, type KafkaConnection } from '../../src/runtime/kafka-connection-config.js';
import { startRestartableBroker, type RestartableBrokerHandle } from '../../src/local-broker/index.js';
import { ensureTopics, readTopic, topicPartitionCounts, writeMessages } from '../../src/kafka-tools/index.js';
import { OrderEventVerifier, simulateFlashSale, type ExpectedOrder, type OutputOrderEvent, type SimMessage, type VerificationSummary } from '../../src/sim/index.js';
import { seededRandom } from '../serde/seeded-random.js';
import { planChaos, type ChaosCounts, type ChaosEvent } from './chaos-plan.js';
import { StreamsChild } from '../support/streams-child.js';
import { SoakInstance, type UnplannedExit } from './soak-instance.js';

export interface SoakOptions {
  readonly seed: number;
  /** Committed orders of the simulated flash sale. */
  readonly orders: number;
  /** Instances running from the start (one more is added and one removed when `chaos.scale`). */
  readonly instances: number;
  /** The sale is written at a steady pace over this long; the faults are planned inside this window. */
  readonly writeSeconds: number;
  readonly chaos: ChaosCounts;
  /** The input topic's partitions, before and after the one increase. */
  readonly partitions: { readonly from: number; readonly to: number };
  /** `--session-timeout-ms` of the instances; the application's default when absent. */
  readonly sessionTimeoutMs?: number;
  /** Longest wait for the output to be complete once everything is written and injected. */
  readonly drainTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface Recovery {
  readonly instance: string;
  readonly cause: 'kill' | 'kill, empty state dir' | 'broker restart' | 'added';
  /** From the restart (or the broker answering again) until the instance ran a task; undefined: not within the wait. */
  readonly ms: number | undefined;
  /** From the restart until the instance had joined the group (its ops server answered). */
  readonly joinedMs: number | undefined;
}

/** An unplanned exit, and whether it came after a broker restart (before the next fault). */
export interface SoakExit extends UnplannedExit {
  readonly afterBrokerRestart: boolean;
}

export interface SoakReport {
  readonly seed: number;
  readonly options: Omit<SoakOptions, 'log'>;
  readonly injected: {
    readonly kills: number;
    readonly killsWithEmptyStateDir: number;
    readonly brokerRestarts: number;
    readonly instancesAdded: number;
    readonly instancesRemoved: number;
    readonly partitionIncreases: number;
  };
  readonly unplannedExits: readonly SoakExit[];
  /** Times an instance started its application again in-process after losing the broker (instead of exiting). */
  readonly runtimeReplacements: number;
  readonly recoveries: readonly Recovery[];
  readonly brokerDownMs: readonly number[];
  /** Times the writer lost its connection (a broker restart) and wrote its unacknowledged batch again. */
  readonly writeRetries: number;
  readonly inputMessages: number;
  readonly verification: VerificationSummary;
  /** A failed run's evidence: every problem order's output records (partition, offset, when written) and the run's log. */
  readonly problemsFile?: string;
  readonly durationMs: number;
}

const RECOVERY_WAIT_MS = 180_000;

/**
 * A chaos soak (docs/reliability.md): a flash sale written at a steady pace into a broker of its own
 * while `instances` copies of sale-orders run with exactly_once as CLI children; meanwhile the planned
 * faults — SIGKILLs with immediate restarts (some on an emptied state dir), broker restarts on the same
 * data, one instance added and one removed — and the input's one partition increase (the simulated
 * subscription grows the topic itself). Each fault waits for the previous one's instance to run again,
 * so every restart's recovery is timed on its own. At the end the read_committed output is verified
 * against the simulator's ground truth.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const { log } = options;
  const broker = await startRestartableBroker({ log: (line) => log(`[broker] ${line}`) });
  const dirs: string[] = [];
  const instances: SoakInstance[] = [];
  // A runtime an instance replaced after losing the broker shows as a new instanceId on its /health.
  const sampler = setInterval(() => {
    for (const instance of instances) if (instance.alive) void instance.sampleRuntime();
  }, 2000);
  try {
    return await soakOn(broker, options, instances, dirs, started);
  } finally {
    clearInterval(sampler);
    // Whatever a failed run left running.
    await StreamsChild.killAll();
    await broker.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

async function soakOn(broker: RestartableBrokerHandle, options: SoakOptions, instances: SoakInstance[], dirs: string[], started: number): Promise<SoakReport> {
  const { log: print, ...settings } = options;
  // Every line is kept too: a failed run writes them beside its problem records.
  const timeline: string[] = [];
  const log = (line: string): void => {
    timeline.push(`${new Date().toISOString()} ${line}`);
    print(line);
  };
  const { seed } = settings;
  const connection = parseKafkaConnection({ brokers: splitBrokers(broker.brokers) });
  const applicationId = `soak-${seed}`;
  const inputTopic = `${applicationId}.dts.sale`;
  const outputTopic = `${applicationId}.order-events`;
  const random = seededRandom(seed);
  // About two transactions per order (its creation and one change); the increase lands in the middle.
  const afterTransactions = Math.round(options.orders * 2 * (0.3 + 0.4 * random()));
  const sim = simulateFlashSale({
    seed,
    orders: options.orders,
    shards: 3,
    saleDurationSeconds: options.orders,
    partitions: options.partitions.from,
    partitionIncrease: { afterTransactions, to: options.partitions.to },
  });
  const truth = new Map<string, ExpectedOrder>();
  for (const order of sim.groundTruth) truth.set(order.orderId, order);
  let totalMessages = 0;
  for (const _message of sim.messages) totalMessages += 1;
  await ensureTopics(connection, [{ topic: inputTopic, partitions: options.partitions.from, config: { 'retention.ms': '-1' } }]);

  const unplannedExits: SoakExit[] = [];
  // From a broker restart until the next fault: an instance that exits then did not ride out the restart.
  let afterBrokerRestart = false;
  let instanceCount = 0;
  const startInstance = async (): Promise<SoakInstance> => {
    instanceCount += 1;
    const stateDir = await mkdtemp(join(tmpdir(), `soak-${instanceCount}-`));
    dirs.push(stateDir);
    const instance = new SoakInstance(
      `instance-${instanceCount}`,
      {
        topology: 'topologies/sale-orders.ts',
        brokers: broker.brokers,
        applicationId,
        stateDir,
        guarantee: 'exactly_once',
        params: { inputTopic, outputTopic },
        extraArgs: [
          '--http-port',
          '0',
          '--commit-interval-ms',
          '500',
          ...(options.sessionTimeoutMs === undefined ? [] : ['--session-timeout-ms', String(options.sessionTimeoutMs)]),
        ],
      },
      (exit) => {
        unplannedExits.push({ ...exit, afterBrokerRestart });
        log(`${exit.instance} exited by itself${afterBrokerRestart ? ' after the broker restart' : ''} (${exit.signal ?? `code ${String(exit.code)}`}); restarted. Its last line: ${exit.log}`);
      },
    );
    instances.push(instance);
    return instance;
  };
  for (let i = 0; i < options.instances; i += 1) await startInstance();
  const live = (): SoakInstance[] => instances.filter((i) => i.alive);
  await settle(live(), Date.now(), 'start', []);

  const plan = planChaos(seed, options.chaos, options.writeSeconds * 1000);
  log(`seed ${seed}: ${options.orders} orders, ${totalMessages} input messages over ${options.writeSeconds} s into ${inputTopic} (${options.partitions.from} -> ${options.partitions.to} partitions after transaction ${afterTransactions}), ${options.instances} instances, ${plan.length} faults planned`);

  const injected = { kills: 0, killsWithEmptyStateDir: 0, brokerRestarts: 0, instancesAdded: 0, instancesRemoved: 0, partitionIncreases: 0 };
  const recoveries: Recovery[] = [];
  const brokerDownMs: number[] = [];
  let added: SoakInstance | undefined;
  const writeStart = Date.now();
  const writer = writeSale(connection, inputTopic, sim.messages, totalMessages, options, (grew) => {
    injected.partitionIncreases += 1;
    log(`input grew to ${grew} partitions (${elapsed(writeStart)})`);
  });

  for (const event of plan) {
    const wait = writeStart + event.atMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await inject(event);
  }
  const written = await writer;
  log(`the sale is written: ${written.messages} messages, ${written.retries} write retries (${elapsed(writeStart)})`);

  async function inject(event: ChaosEvent): Promise<void> {
    afterBrokerRestart = event.kind === 'broker-restart';
    switch (event.kind) {
      case 'kill': {
        const candidates = live();
        const victim = candidates[Math.floor(event.pick * candidates.length)];
        if (victim === undefined) throw new Error('no instance left to kill');
        await victim.killAndRestart(event.deleteState);
        const restartedAt = Date.now();
        injected.kills += 1;
        if (event.deleteState) injected.killsWithEmptyStateDir += 1;
        const { joinedMs, runningMs: ms } = await victim.waitUntilRunning(restartedAt, RECOVERY_WAIT_MS);
        recoveries.push({ instance: victim.name, cause: event.deleteState ? 'kill, empty state dir' : 'kill', ms, joinedMs });
        log(
          `kill ${injected.kills}: ${victim.name} SIGKILLed and restarted${event.deleteState ? ' on an empty state dir' : ''}; joined after ${seconds(joinedMs)}, running after ${seconds(ms)} (${elapsed(writeStart)})`,
        );
        break;
      }
      case 'broker-restart': {
        const { downMs } = await broker.restart();
        const answeredAt = Date.now();
        injected.brokerRestarts += 1;
        brokerDownMs.push(downMs);
        log(`broker restart ${injected.brokerRestarts}: down ${seconds(downMs)} (${elapsed(writeStart)})`);
        const times = await settle(live(), answeredAt, 'broker restart', recoveries);
        log(`after broker restart ${injected.brokerRestarts}: every instance takes in records again ${times.map(seconds).join(', ')} after it answered (${elapsed(writeStart)})`);
        break;
      }
      case 'add-instance': {
        const addedAt = Date.now();
        added = await startInstance();
        injected.instancesAdded += 1;
        const { joinedMs, runningMs: ms } = await added.waitUntilRunning(addedAt, RECOVERY_WAIT_MS);
        recoveries.push({ instance: added.name, cause: 'added', ms, joinedMs });
        log(`${added.name} added; running after ${seconds(ms)} (${elapsed(writeStart)})`);
        break;
      }
      case 'remove-instance': {
        // One of those that ran from the start leaves, not the one just added.
        const candidates = live().filter((i) => i !== added);
        const leaving = candidates[Math.floor(event.pick * candidates.length)];
        if (leaving === undefined || live().length < 2) throw new Error('no instance to remove');
        const exit = await leaving.retire();
        injected.instancesRemoved += 1;
        log(`${leaving.name} removed (SIGTERM, exit ${exit.code ?? exit.signal}) (${elapsed(writeStart)})`);
        break;
      }
    }
  }

  const expectedEvents = [...truth.values()].reduce((n, order) => n + order.events.length, 0);
  const drainDeadline = Date.now() + options.drainTimeoutMs;
  let events = await readEvents(connection, outputTopic);
  while (events.length < expectedEvents && Date.now() < drainDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    events = await readEvents(connection, outputTopic);
  }
  log(`output: ${events.length} of ${expectedEvents} events (${elapsed(writeStart)}); stopping the instances`);
  afterBrokerRestart = false;
  await Promise.all(live().map((instance) => instance.sampleRuntime()));
  const runtimeReplacements = instances.reduce((n, instance) => n + instance.runtimeReplacements, 0);
  for (const instance of live()) await instance.retire();
  events = await readEvents(connection, outputTopic);
  const verifier = new OrderEventVerifier(truth);
  for (const read of events) verifier.observe(read.event);
  const verification = verifier.result();
  const problemsFile = verification.ok ? undefined : await writeProblems(seed, truth, events, timeline, writeStart);
  return {
    seed,
    options: settings,
    injected,
    unplannedExits,
    runtimeReplacements,
    recoveries,
    brokerDownMs,
    writeRetries: written.retries,
    inputMessages: written.messages,
    verification,
    ...(problemsFile === undefined ? {} : { problemsFile }),
    durationMs: Date.now() - started,
  };
}

/** Waits until every instance runs a task again, recording each one's time as a recovery from `cause`. */
async function settle(
  instances: readonly SoakInstance[],
  sinceMs: number,
  cause: 'start' | 'broker restart',
  recoveries: Recovery[],
): Promise<Array<number | undefined>> {
  if (cause === 'start') {
    const waits = await Promise.all(instances.map((i) => i.waitUntilRunning(sinceMs, RECOVERY_WAIT_MS)));
    const times = waits.map((w) => w.runningMs);
    if (times.some((t) => t === undefined)) throw new Error('the instances did not start running tasks');
    return times;
  }
  const times = await Promise.all(instances.map((i) => i.waitUntilProgressing(sinceMs, RECOVERY_WAIT_MS)));
  instances.forEach((instance, i) => recoveries.push({ instance: instance.name, cause, ms: times[i], joinedMs: undefined }));
  return times;
}

/**
 * Writes the sale at a steady pace. A broker restart breaks the writer's connection: it then writes
 * again from the first unacknowledged message, as the DTS subscription redelivers after an error.
 */
async function writeSale(
  connection: KafkaConnection,
  topic: string,
  messages: Iterable<SimMessage>,
  total: number,
  options: SoakOptions,
  onGrowth: (partitions: number) => void,
): Promise<{ messages: number; retries: number }> {
  const perSecond = Math.max(1, Math.ceil(total / options.writeSeconds));
  let acknowledged = 0;
  let retries = 0;
  let partitions = options.partitions.from;
  let written = 0;
  while (acknowledged < total) {
    const from = acknowledged;
    try {
      await writeMessages(connection, topic, skip(messages, from), {
        messagesPerSecond: perSecond,
        growTo: options.partitions.to,
        onProgress: (p) => {
          acknowledged = from + p.messages;
          if (p.partitions > partitions) {
            partitions = p.partitions;
            onGrowth(p.partitions);
          }
        },
      });
      written += total - from;
      acknowledged = total;
    } catch (error) {
      retries += 1;
      written += acknowledged - from;
      options.log(`writer: ${error instanceof Error ? error.message : String(error)}; writing again from message ${acknowledged}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  return { messages: written, retries };
}

function* skip<T>(items: Iterable<T>, count: number): Iterable<T> {
  let i = 0;
  for (const item of items) {
    if (i >= count) yield item;
    i += 1;
  }
}

interface ReadEvent {
  readonly event: OutputOrderEvent;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
}

async function readEvents(connection: KafkaConnection, topic: string): Promise<ReadEvent[]> {
  const decoder = await createOrderEventDecoder({ schemasDir: 'schemas' });
  const events: ReadEvent[] = [];
  // The output topic exists once an instance produced to it; before that there is nothing to read.
  if (!(await topicPartitionCounts(connection, [topic])).has(topic)) return events;
  for await (const record of readTopic(connection, topic, { isolation: 'read_committed', idleMs: 2000 })) {
    events.push({ event: toOutputOrderEvent(await decoder.decode(record)), partition: record.partition, offset: record.offset, timestamp: record.timestamp });
  }
  return events;
}

/**
 * Writes `<tmpdir>/soak-<seed>-problems.json`: every order with a problem, its verdict and its output
 * records with when each was written (seconds after the sale began to be written, to set beside the
 * faults' times), and the run's log.
 */
async function writeProblems(seed: number, truth: ReadonlyMap<string, ExpectedOrder>, events: readonly ReadEvent[], timeline: readonly string[], writeStart: number): Promise<string> {
  const verifier = new OrderEventVerifier(truth, Number.MAX_SAFE_INTEGER);
  for (const read of events) verifier.observe(read.event);
  const verdicts = verifier.result().examples;
  const wanted = new Set(verdicts.map((v) => v.orderId));
  const records = new Map<string, object[]>();
  for (const read of events) {
    const orderId = String(read.event.orderId);
    if (!wanted.has(orderId)) continue;
    const list = records.get(orderId) ?? [];
    list.push({
      seq: read.event.seq,
      type: read.event.type,
      partition: read.partition,
      offset: read.offset,
      writtenAtSeconds: Math.round((read.timestamp - writeStart) / 100) / 10,
    });
    records.set(orderId, list);
  }
  const file = join(tmpdir(), `soak-${seed}-problems.json`);
  const problemOrders = verdicts.map((v) => ({ orderId: v.orderId, problems: v.problems, records: records.get(v.orderId) ?? [] }));
  await writeFile(file, JSON.stringify({ seed, writeStartedAt: new Date(writeStart).toISOString(), problemOrders, log: timeline }, null, 1));
  return file;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'never (within the wait)' : `${(ms / 1000).toFixed(1)} s`;
}

function elapsed(since: number): string {
  return `t+${((Date.now() - since) / 1000).toFixed(0)} s`;
}
