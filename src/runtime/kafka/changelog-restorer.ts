import type { Kafka } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ChangelogRecordIn } from '../task/changelog-chunks.js';
import type { ChangelogRestoreTarget } from '../task/stream-task.js';
import type { ChangelogReader, ChangelogRestoreRequest } from '../task/task-host.js';
import { toHeaders } from './kafka-records.js';
import { startThrowawayRead } from './throwaway-reader.js';

export interface RestoreRequest {
  readonly taskId: string;
  readonly storeName: string;
  readonly store: ChangelogRestoreTarget;
  readonly topic: string;
  readonly partition: number;
}

export interface RestoreProgressEvent {
  readonly taskId: string;
  readonly store: string;
  readonly restored: number;
  readonly total: number;
  readonly done: boolean;
}

/** The task host's ChangelogReader over Kafka (see restoreFromChangelogs). */
export class KafkaChangelogReader implements ChangelogReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly options: { readonly readCommitted: boolean; readonly logger: Logger; readonly onProgress: (event: RestoreProgressEvent) => void },
  ) {}

  restore(requests: readonly ChangelogRestoreRequest[]): Promise<void> {
    return restoreFromChangelogs(
      this.kafka,
      requests.map(({ port, store, topic, partition }) => ({
        taskId: port.taskId,
        storeName: store,
        store: { changelogOffset: () => port.changelogOffset(store), restore: (records, next) => port.restore(store, records, next) },
        topic,
        partition,
      })),
      this.options,
    );
  }
}

export class RestoreError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'RESTORE_FAILED', retriable: true, cause });
  }
}

interface Pending {
  readonly request: RestoreRequest;
  next: bigint;
  readonly end: bigint;
  readonly from: bigint;
  /** The consumer's position after the last fetched batch, including batches of only markers or aborted records. */
  passed: bigint;
  done: boolean;
}

/** No fetch at all for this long while restoring: the restore fails (and the task start with it). */
const STALL_MS = 60_000;

/**
 * Brings stores up to their changelog's end before their task processes (docs/design.md 3.6): from the
 * offset each store checkpointed (or the log start) to the end offset seen when restore began. A store
 * already at the end costs one offsets request and no consumer. Restore reads with a throwaway-group
 * consumer (startThrowawayRead, shared with the CLI's topic reader) and applies each fetched batch as one
 * RocksDB write batch together with the next offset to read.
 */
export async function restoreFromChangelogs(
  kafka: Kafka,
  requests: readonly RestoreRequest[],
  options: { readonly readCommitted: boolean; readonly logger: Logger; readonly onProgress: (event: RestoreProgressEvent) => void },
): Promise<void> {
  if (requests.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  const pending: Pending[] = [];
  try {
    const offsetsByTopic = new Map<string, Awaited<ReturnType<typeof admin.fetchTopicOffsets>>>();
    for (const topic of new Set(requests.map((r) => r.topic))) offsetsByTopic.set(topic, await admin.fetchTopicOffsets(topic));
    for (const request of requests) {
      const offsets = offsetsByTopic.get(request.topic)?.find((o) => o.partition === request.partition);
      if (offsets === undefined) throw new RestoreError(`changelog ${request.topic}/${request.partition} does not exist`);
      const end = BigInt(offsets.high);
      const low = BigInt(offsets.low);
      const checkpoint = await request.store.changelogOffset();
      let from = checkpoint === undefined ? low : BigInt(checkpoint);
      if (from < low) from = low;
      const total = Number(end > from ? end - from : 0n);
      options.onProgress({ taskId: request.taskId, store: request.storeName, restored: 0, total, done: from >= end });
      if (from < end) pending.push({ request, next: from, end, from, passed: from, done: false });
    }
  } finally {
    await admin.disconnect();
  }
  if (pending.length === 0) return;
  options.logger.info('restoring stores from changelogs', {
    stores: pending.map((p) => `${p.request.taskId}/${p.request.storeName} ${p.from}..${p.end}`),
  });
  await consumeUntilRestored(kafka, pending, options);
}

async function consumeUntilRestored(
  kafka: Kafka,
  pending: Pending[],
  options: { readonly readCommitted: boolean; readonly logger: Logger; readonly onProgress: (event: RestoreProgressEvent) => void },
): Promise<void> {
  const byPartition = new Map(pending.map((p) => [`${p.request.topic}:${p.request.partition}`, p] as const));
  let lastBatchAt = Date.now();
  let failure: unknown;
  const report = (p: Pending) =>
    options.onProgress({
      taskId: p.request.taskId,
      store: p.request.storeName,
      restored: Number(p.next - p.from),
      total: Number(p.end - p.from),
      done: p.done,
    });
  const read = await startThrowawayRead(kafka, {
    groupPrefix: 'cdc-streams-restore',
    readCommitted: options.readCommitted,
    starts: pending.map((p) => ({ topic: p.request.topic, partition: p.request.partition, offset: p.next })),
    logger: options.logger,
    onFailure: (error) => {
      failure ??= error;
    },
    // A range holding only transaction markers or aborted records never reaches onBatch: this is
    // where it is known to be passed.
    onPassed: (topic, partition, passed) => {
      const p = byPartition.get(`${topic}:${partition}`);
      if (p === undefined) return;
      lastBatchAt = Date.now();
      if (passed > p.passed) p.passed = passed;
    },
    onBatch: async (batch) => {
      const p = byPartition.get(`${batch.topic}:${batch.partition}`);
      if (p === undefined || p.done) return;
      lastBatchAt = Date.now();
      const writes: ChangelogRecordIn[] = [];
      for (const m of batch.records) {
        if (m.offset < p.next || m.offset >= p.end) continue;
        writes.push({ key: m.key ?? Buffer.alloc(0), value: m.value, headers: toHeaders(m.headers) });
      }
      let next = batch.lastOffset + 1n;
      if (next > p.end) next = p.end;
      if (next <= p.next && writes.length === 0) return;
      try {
        await p.request.store.restore(writes, String(next > p.next ? next : p.next));
      } catch (error) {
        failure ??= error;
        return;
      }
      if (next > p.next) p.next = next;
      if (p.next >= p.end) p.done = true;
      report(p);
    },
  });
  try {
    const startedAt = Date.now();
    while (failure === undefined && pending.some((p) => !p.done)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (failure !== undefined) break;
      for (const p of pending) {
        if (p.done || p.passed < p.end) continue;
        // Everything up to the end was fetched and onBatch has applied any data in it: the rest was markers.
        await p.request.store.restore([], String(p.end));
        p.next = p.end;
        p.done = true;
        report(p);
      }
      // A quiet spell is no sign that only markers are left: a slow fetch or a slow RocksDB write on a
      // loaded machine looks the same, and taking it for the end skips the records still to come.
      // Only the consumer's position says a partition is read to its end; no fetch for STALL_MS fails.
      const idle = Date.now() - lastBatchAt;
      if (idle >= STALL_MS && Date.now() - startedAt >= STALL_MS) {
        throw new RestoreError(
          `restore made no progress for ${STALL_MS} ms: ${pending.filter((p) => !p.done).map((p) => `${p.request.topic}/${p.request.partition}@${p.next}`).join(', ')}`,
        );
      }
    }
    if (failure !== undefined) throw new RestoreError('restoring a store failed', failure);
  } finally {
    await read.stop();
  }
}
