import type { Headers } from '../common/headers.js';
import { silentLogger } from '../common/logger.js';
import type { KafkaConnection } from '../runtime/kafka-connection-config.js';
import { connectAdmin, startThrowawayReadOf, type FetchedHeaders, type FetchedRecord, type ThrowawayRead } from '../runtime/kafka/client-facade.js';
import { KafkaToolError } from './kafka-tool-errors.js';
import { topicOffsetsWith } from './topic-admin.js';
import type { ToolOptions } from './with-admin.js';

/** A record as it is on the topic: bytes, not decoded. */
export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  /** Epoch ms. */
  readonly timestamp: number;
}

export interface ReadProgress {
  readonly records: number;
  /** Offsets passed so far, out of `total`: the distance from the start to the end offsets seen at the start. */
  readonly position: number;
  readonly total: number;
  /** Every partition has reached the end offsets seen at the start. */
  readonly caughtUp: boolean;
}

export interface ReadTopicOptions extends ToolOptions {
  /** Start at each partition's first offset (default true); false: only records written from now on. */
  readonly fromBeginning?: boolean;
  /** Start every read partition at this offset (clamped to what the partition holds); overrides `fromBeginning`. */
  readonly from?: bigint;
  /** Only these partitions (default all). */
  readonly partitions?: readonly number[];
  readonly isolation?: 'read_committed' | 'read_uncommitted';
  /** Stop when nothing new arrived for this long after reaching the end offsets seen at the start (default 5000). */
  readonly idleMs?: number;
  /** Fail when, before reaching the end, nothing moves for this long (default max(60000, 4 × idleMs)). */
  readonly stallMs?: number;
  /** Stop after this many records. */
  readonly limit?: number;
  readonly onProgress?: (progress: ReadProgress) => void;
  /** Records fetched but not yet taken by the caller before the fetcher waits (default 10000). */
  readonly maxBuffered?: number;
}

/**
 * Reads a topic until it stops growing: a consumer in a throwaway group (startThrowawayRead: a unique
 * id, deleted afterwards, never committing) seeks each partition to its start; the end offsets fetched
 * first tell when it has caught up, after which `idleMs` without a new record ends the iteration.
 */
export async function* readTopic(connection: KafkaConnection, topic: string, options: ReadTopicOptions = {}): AsyncGenerator<RawRecord> {
  const logger = options.logger ?? silentLogger;
  const idleMs = options.idleMs ?? 5000;
  const stallMs = options.stallMs ?? Math.max(60_000, 4 * idleMs);
  const maxBuffered = options.maxBuffered ?? 10_000;
  const admin = await connectAdmin(connection, logger, '-reader');
  let read: ThrowawayRead | undefined;
  try {
    const offsets = await topicOffsetsWith(admin, topic);
    const wanted = options.partitions === undefined ? undefined : new Set(options.partitions);
    for (const p of wanted ?? []) {
      if (!offsets.some((o) => o.partition === p)) throw new KafkaToolError(`topic '${topic}' has no partition ${p} (it has ${offsets.length})`);
    }
    const selected = offsets.filter((o) => wanted === undefined || wanted.has(o.partition));
    const start = new Map<number, bigint>();
    const end = new Map<number, bigint>();
    for (const o of selected) {
      const from = options.from ?? (options.fromBeginning === false ? o.high : o.low);
      start.set(o.partition, from < o.low ? o.low : from > o.high ? o.high : from);
      end.set(o.partition, o.high);
    }
    const position = new Map(start);
    const total = sum(selected.map((o) => Number(o.high - (start.get(o.partition) ?? o.high))));

    const queue: RawRecord[] = [];
    let failure: unknown;
    let wake: (() => void) | undefined;
    let drained: (() => void) | undefined;
    const signal = (): void => {
      wake?.();
      wake = undefined;
    };
    const advance = (partition: number, next: bigint): void => {
      if (next > (position.get(partition) ?? next)) position.set(partition, next);
    };

    read = await startThrowawayReadOf(connection, {
      groupPrefix: 'cdc-streams-read',
      readCommitted: options.isolation !== 'read_uncommitted',
      starts: [...start].map(([partition, offset]) => ({ topic, partition, offset })),
      logger,
      onFailure: (error) => {
        failure = new KafkaToolError(`reading '${topic}' failed: ${error.message}`, error);
        signal();
      },
      onPassed: (_topic, partition, next) => {
        advance(partition, next);
        signal();
      },
      onBatch: async (batch, { heartbeat, isRunning }) => {
        for (const record of batch.records) queue.push(toRawRecord(topic, batch.partition, record));
        signal();
        while (queue.length >= maxBuffered && isRunning()) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, 1000);
          });
          await heartbeat();
        }
      },
    });

    const caughtUp = (): boolean => [...end].every(([p, e]) => (position.get(p) ?? 0n) >= e);
    const progress = (records: number): void =>
      options.onProgress?.({
        records,
        total,
        caughtUp: caughtUp(),
        position: sum([...end].map(([p, e]) => Number(minBig(position.get(p) ?? 0n, e) - (start.get(p) ?? 0n)))),
      });
    let records = 0;
    let lastMove = Date.now();
    let lastPositions = positionsKey(position);
    progress(0);
    while (options.limit === undefined || records < options.limit) {
      if (failure !== undefined) throw failure;
      const record = queue.shift();
      if (record !== undefined) {
        if (queue.length < maxBuffered / 2) drained?.();
        advance(record.partition, BigInt(record.offset) + 1n);
        records += 1;
        lastMove = Date.now();
        progress(records);
        yield record;
        continue;
      }
      const now = Date.now();
      const key = positionsKey(position);
      if (key !== lastPositions) {
        lastPositions = key;
        lastMove = now;
        progress(records);
      }
      const quiet = now - lastMove;
      if (caughtUp()) {
        if (quiet >= idleMs) return;
      } else if (quiet >= stallMs) {
        throw new KafkaToolError(
          `reading '${topic}' stalled for ${stallMs} ms before the end: ${[...end]
            .filter(([p, e]) => (position.get(p) ?? 0n) < e)
            .map(([p, e]) => `${topic}/${p} at ${String(position.get(p))} of ${e}`)
            .join(', ')}`,
        );
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.max(10, Math.min(500, (caughtUp() ? idleMs : stallMs) - quiet)));
      });
    }
  } finally {
    await read?.stop();
    await admin.disconnect();
  }
}

function toRawRecord(topic: string, partition: number, m: FetchedRecord): RawRecord {
  return { topic, partition, offset: m.offset.toString(), key: m.key, value: m.value, headers: toHeaders(m.headers), timestamp: m.timestamp };
}

function toHeaders(headers: FetchedHeaders): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    // Kafka allows a header name more than once; like Java's lastHeader, the last one wins.
    out[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return out;
}

function positionsKey(position: ReadonlyMap<number, bigint>): string {
  return [...position.values()].join(',');
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
