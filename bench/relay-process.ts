/**
 * The engine workload's client ceiling: a bare kafkajs consume → produce of the input records, run
 * until SIGTERM like the two engines, so the bench measures all three the same way from outside.
 *
 *     node --import tsx bench/relay-process.ts '{"brokers":…,"inputTopic":…,"outputTopic":…,"groupId":…,"commitIntervalMs":1000}'
 *
 * One consumer (the runtime's fetch bounds, `eachBatch`), each fetched batch re-sent undecoded to the
 * same partition of the output topic by an idempotent producer (acks all), and the offsets of what
 * was sent committed every `commitIntervalMs`, as an engine's at_least_once commit would.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { relayBatch } from './relay-batch.js';

interface RelayOptions {
  readonly brokers: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly groupId: string;
  readonly commitIntervalMs: number;
}

const arg = process.argv[2];
if (arg === undefined) {
  process.stderr.write('usage: relay-process.ts <options JSON>\n');
  process.exit(2);
}
const options = JSON.parse(arg) as RelayOptions;
const kafka = new Kafka({ clientId: `bench-${options.groupId}`, brokers: options.brokers.split(','), logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: options.groupId, maxBytes: 8 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024, allowAutoTopicCreation: false });
// Every record names its partition; the partitioner is never asked (choosing one silences kafkajs's v2 notice).
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
await Promise.all([consumer.connect(), producer.connect()]);

/** Next offset to commit per partition: everything below it was sent and acknowledged. */
const sent = new Map<number, string>();
let committing: Promise<void> = Promise.resolve();
const commitSent = (): Promise<void> => {
  committing = committing.then(async () => {
    if (sent.size === 0) return;
    const offsets = [...sent].map(([partition, offset]) => ({ topic: options.inputTopic, partition, offset }));
    sent.clear();
    await consumer.commitOffsets(offsets);
  });
  return committing;
};
let failure: unknown;
const fail = (error: unknown): void => {
  failure ??= error;
  process.stderr.write(`relay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  void shutdown(1);
};
const timer = setInterval(() => commitSent().catch(fail), options.commitIntervalMs);

let stopping: Promise<void> | undefined;
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    clearInterval(timer);
    try {
      await consumer.stop();
      if (failure === undefined) await commitSent();
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    }
    process.exit(failure === undefined ? code : 1);
  })();
  return stopping;
}
process.once('SIGTERM', () => void shutdown(0));
process.once('SIGINT', () => void shutdown(0));
consumer.on(consumer.events.CRASH, (event) => {
  if (!event.payload.restart) fail(event.payload.error);
});

await consumer.subscribe({ topics: [options.inputTopic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    await relayBatch(producer, options.outputTopic, batch.partition, batch.messages);
    resolveOffset(batch.lastOffset());
    sent.set(batch.partition, (BigInt(batch.lastOffset()) + 1n).toString());
    await heartbeat();
  },
});
