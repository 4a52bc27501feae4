import { silentLogger } from '../common/logger.js';
import type { KafkaConnection } from '../runtime/kafka-connection-config.js';
import { connectAdmin, connectBatchProducer, type BatchProducer, type PartitionAck, type ProducedRecord } from '../runtime/kafka/client-facade.js';
import { KafkaToolError } from './kafka-tool-errors.js';
import { growTopicWith, partitionCountsWith } from './topic-admin.js';
import type { ToolOptions } from './with-admin.js';

/** One record to write, to an explicit partition. */
export interface OutgoingMessage {
  readonly partition: number;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch ms; the broker's time when absent. */
  readonly timestamp?: number;
  readonly headers?: Readonly<Record<string, Buffer | string>>;
}

export interface WriteProgress {
  readonly messages: number;
  readonly bytes: number;
  readonly partitions: number;
}

export interface WriteMessagesOptions extends ToolOptions {
  /** Messages per `sendBatch` (default 5000). */
  readonly batchSize?: number;
  /**
   * Value bytes per `sendBatch` (default 768 KiB): a partition's share of one batch is one record batch,
   * which the broker refuses above its `message.max.bytes` (1 MiB by default).
   */
  readonly maxBatchBytes?: number;
  /** When a message needs more partitions than the topic has, grow it to at least this many at once. */
  readonly growTo?: number;
  /** Write at most this many messages per second (in batches of a tenth of a second); unpaced when absent. */
  readonly messagesPerSecond?: number;
  /** Called after every acknowledged batch. */
  readonly onProgress?: (progress: WriteProgress) => void;
}

export interface WriteResult extends WriteProgress {
  /** The partition count the topic had when writing began. */
  readonly initialPartitions: number;
}

/**
 * Writes messages in order with an idempotent producer (acks all) in large batches. A message for a
 * partition the topic does not have yet grows the topic first (the batch before it is flushed, so order
 * per partition holds). The topic must exist.
 */
export async function writeMessages(
  connection: KafkaConnection,
  topic: string,
  messages: AsyncIterable<OutgoingMessage> | Iterable<OutgoingMessage>,
  options: WriteMessagesOptions = {},
): Promise<WriteResult> {
  const pace = options.messagesPerSecond;
  const batchSize = pace === undefined ? (options.batchSize ?? 5000) : Math.max(1, Math.min(options.batchSize ?? 5000, Math.ceil(pace / 10)));
  const startedAt = Date.now();
  const maxBatchBytes = options.maxBatchBytes ?? 768 * 1024;
  const logger = options.logger ?? silentLogger;
  const admin = await connectAdmin(connection, logger, '-writer');
  let producer: BatchProducer | undefined;
  try {
    const initialPartitions = (await partitionCountsWith(admin, [topic])).get(topic);
    if (initialPartitions === undefined) throw new KafkaToolError(`topic '${topic}' does not exist; create it before writing`);
    let partitions = initialPartitions;
    // A fresh producer loads fresh metadata: the client drops, without an error, records for a partition
    // its cached metadata does not know, so after growing the topic the old one must not be used.
    const newProducer = (): Promise<BatchProducer> => connectBatchProducer(connection, logger);
    producer = await newProducer();
    let pending: ProducedRecord[] = [];
    let pendingBytes = 0;
    const progress = { messages: 0, bytes: 0 };
    const flush = async (active: BatchProducer): Promise<void> => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const bytes = pendingBytes;
      pendingBytes = 0;
      const acks = await active.sendBatch(topic, batch);
      assertEveryPartitionAcknowledged(topic, batch, acks);
      progress.messages += batch.length;
      progress.bytes += bytes;
      options.onProgress?.({ ...progress, partitions });
      if (pace !== undefined) {
        const due = startedAt + (progress.messages / pace) * 1000;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    };
    for await (const message of messages) {
      if (message.partition >= partitions) {
        await flush(producer);
        const target = Math.max(message.partition + 1, options.growTo ?? 0);
        logger.info(`growing ${topic} from ${partitions} to ${target} partitions`);
        await growTopicWith(admin, topic, target);
        partitions = target;
        await producer.disconnect();
        producer = await newProducer();
      }
      const size = message.value?.length ?? 0;
      if (pending.length > 0 && (pending.length >= batchSize || pendingBytes + size > maxBatchBytes)) await flush(producer);
      pending.push({ ...message, key: message.key ?? null });
      pendingBytes += size;
    }
    await flush(producer);
    return { ...progress, partitions, initialPartitions };
  } finally {
    await producer?.disconnect();
    await admin.disconnect();
  }
}

/** The guard against the client's silent drop of records for partitions missing from its metadata. */
function assertEveryPartitionAcknowledged(topic: string, batch: readonly ProducedRecord[], acks: readonly PartitionAck[]): void {
  const acknowledged = new Set(acks.filter((a) => a.topic === topic && a.errorCode === 0).map((a) => a.partition));
  for (const m of batch) {
    if (!acknowledged.has(m.partition)) {
      throw new KafkaToolError(`the broker did not acknowledge the records written to ${topic}/${m.partition}`);
    }
  }
}

