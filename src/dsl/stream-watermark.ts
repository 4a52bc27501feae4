import { CONTROL_HEADER } from '../common/constants.js';
import { CdcStreamsError } from '../common/errors.js';
import { streamRecord, type StreamRecord } from '../processor/stream-record.js';

/** The value of CONTROL_HEADER on a stream watermark. */
export const STREAM_WATERMARK_CONTROL = 'stream-watermark';

/**
 * "Every record this task forwards from now on has a timestamp at or after `time`": an event-time
 * watermark, flowing with a stream as a control record. Whatever knows how far event time has come
 * sends it (the CDC resequencer's watermark turned into this by the topology, for instance); windowed
 * operators with `streamTime: 'watermarks'` close windows by it instead of by the largest timestamp
 * seen. `partition` and `partitionCount` name the sending task among its siblings, so that after a
 * repartition the receiver can take the minimum over all of them.
 */
export interface StreamWatermark {
  readonly time: number;
  /** The sending task's input partition. */
  readonly partition: number;
  /** How many input partitions (sibling tasks) the sender's sub-topology has. */
  readonly partitionCount: number;
}

export class InvalidStreamWatermarkError extends CdcStreamsError {
  constructor(detail: string) {
    super(`invalid stream watermark: ${detail}`, { code: 'INVALID_STREAM_WATERMARK' });
  }
}

export function streamWatermarkRecord(watermark: StreamWatermark): StreamRecord<null, Buffer> {
  const body = Buffer.from(JSON.stringify(watermark), 'utf8');
  return streamRecord(null, body, watermark.time, { [CONTROL_HEADER]: STREAM_WATERMARK_CONTROL });
}

/** The watermark a control record carries, or undefined for other control records; throws on a broken one. */
export function readStreamWatermark(record: StreamRecord<unknown, unknown>): StreamWatermark | undefined {
  if (record.headers[CONTROL_HEADER] !== STREAM_WATERMARK_CONTROL) return undefined;
  const value = record.value;
  if (!(value instanceof Uint8Array)) throw new InvalidStreamWatermarkError('the value is not bytes');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
  } catch (error) {
    throw new InvalidStreamWatermarkError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidStreamWatermarkError('not an object');
  const { time, partition, partitionCount } = parsed as Record<string, unknown>;
  if (typeof time !== 'number' || !Number.isFinite(time)) throw new InvalidStreamWatermarkError('time is not a number');
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) throw new InvalidStreamWatermarkError('partition is not a partition');
  if (typeof partitionCount !== 'number' || !Number.isInteger(partitionCount) || partitionCount <= partition) {
    throw new InvalidStreamWatermarkError(`partitionCount ${String(partitionCount)} does not cover partition ${partition}`);
  }
  return { time, partition, partitionCount };
}
