import { CONTROL_HEADER } from '../../common/constants.js';
import { streamRecord, type StreamRecord } from '../../processor/stream-record.js';
import { InvalidWatermarkControlError } from '../cdc-errors.js';
import type { ShardProgress } from './shard-progress.js';

/** The value of CONTROL_HEADER on the resequencer's output progress. */
export const EVENT_TIME_WATERMARK_CONTROL = 'event-time-watermark';

/**
 * What the resequencer tells the processors after it, once it has released everything up to these
 * watermarks: per shard the GTID sequence and shard time released through, and `timeWatermark`, the
 * global event time no further event can be at or before (Flink's meaning): the minimum over shards
 * of their time watermarks, minus 1 ms, because a transaction committing in the same second as a
 * heartbeat may still come. Event-time timers (the payment timeout) fire when it passes them.
 */
export interface EventTimeWatermark {
  readonly type: 'event-time-watermark';
  readonly timeWatermark: number;
  readonly shards: readonly ShardProgress[];
}

/** Encoded as compact JSON (GTID sequences as decimal strings), so it can cross a repartition topic too. */
export function eventTimeWatermarkRecord(watermark: EventTimeWatermark): StreamRecord<null, Buffer> {
  const wire = {
    type: watermark.type,
    timeWatermark: watermark.timeWatermark,
    shards: watermark.shards.map((s) => ({ serverId: s.serverId, gtidSequence: s.gtidSequence.toString(), timestamp: s.timestamp })),
  };
  return streamRecord(null, Buffer.from(JSON.stringify(wire), 'utf8'), watermark.timeWatermark, {
    [CONTROL_HEADER]: EVENT_TIME_WATERMARK_CONTROL,
  });
}

/**
 * For a processor after the resequencer: the watermark carried by a control record, or undefined for
 * other control records. Throws InvalidWatermarkControlError on a broken one.
 */
export function readEventTimeWatermark(record: StreamRecord<unknown, unknown>): EventTimeWatermark | undefined {
  if (record.headers[CONTROL_HEADER] !== EVENT_TIME_WATERMARK_CONTROL || !(record.value instanceof Uint8Array)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength).toString('utf8'));
  } catch (error) {
    throw new InvalidWatermarkControlError('event-time watermark is not JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || !('timeWatermark' in parsed) || typeof parsed.timeWatermark !== 'number') {
    throw new InvalidWatermarkControlError('event-time watermark has no numeric timeWatermark');
  }
  const shards = 'shards' in parsed && Array.isArray(parsed.shards) ? parsed.shards.map(parseShard) : [];
  return { type: EVENT_TIME_WATERMARK_CONTROL, timeWatermark: parsed.timeWatermark, shards };
}

function parseShard(value: unknown): ShardProgress {
  if (
    typeof value === 'object' &&
    value !== null &&
    'serverId' in value &&
    typeof value.serverId === 'string' &&
    'gtidSequence' in value &&
    typeof value.gtidSequence === 'string' &&
    /^-?\d+$/.test(value.gtidSequence) &&
    'timestamp' in value &&
    typeof value.timestamp === 'number'
  ) {
    return { serverId: value.serverId, gtidSequence: BigInt(value.gtidSequence), timestamp: value.timestamp };
  }
  throw new InvalidWatermarkControlError('event-time watermark has a malformed shard entry');
}
