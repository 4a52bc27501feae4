import { CONTROL_HEADER } from '../../common/constants.js';
import { streamRecord, type StreamRecord } from '../../processor/stream-record.js';
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

export function eventTimeWatermarkRecord(watermark: EventTimeWatermark): StreamRecord<null, EventTimeWatermark> {
  return streamRecord(null, watermark, watermark.timeWatermark, { [CONTROL_HEADER]: EVENT_TIME_WATERMARK_CONTROL });
}

/** For a processor after the resequencer (in the same task): the watermark, or undefined for other control records. */
export function readEventTimeWatermark(record: StreamRecord<unknown, unknown>): EventTimeWatermark | undefined {
  const value = record.value;
  if (typeof value !== 'object' || value === null || !('type' in value) || value.type !== EVENT_TIME_WATERMARK_CONTROL) return undefined;
  if (!('timeWatermark' in value) || typeof value.timeWatermark !== 'number') return undefined;
  if (!('shards' in value) || !Array.isArray(value.shards)) return undefined;
  return { type: EVENT_TIME_WATERMARK_CONTROL, timeWatermark: value.timeWatermark, shards: value.shards.filter(isShardProgress) };
}

function isShardProgress(value: unknown): value is ShardProgress {
  return (
    typeof value === 'object' &&
    value !== null &&
    'serverId' in value &&
    typeof value.serverId === 'string' &&
    'gtidSequence' in value &&
    typeof value.gtidSequence === 'bigint' &&
    'timestamp' in value &&
    typeof value.timestamp === 'number'
  );
}
