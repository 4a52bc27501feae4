import { CONTROL_HEADER } from '../../common/constants.js';
import type { Serde } from '../../serde/serde.js';
import { streamRecord, type StreamRecord } from '../../processor/stream-record.js';
import { InvalidWatermarkControlError } from '../cdc-errors.js';
import type { ShardProgress } from './shard-progress.js';

/** The value of CONTROL_HEADER on a watermark control record. */
export const WATERMARK_CONTROL = 'watermark';

/**
 * The progress one input partition reports downstream, after the data it covers (docs/design.md 3.3). It
 * always carries every shard the partition knows, so any single record lets a restarted downstream
 * catch up; `partitionCount` is the input topic's partition count as the upstream task sees it.
 */
export interface WatermarkControl {
  readonly type: 'watermark';
  readonly inputTopic: string;
  readonly inputPartition: number;
  readonly partitionCount: number;
  readonly shards: readonly ShardProgress[];
}

interface WireShard {
  serverId: string;
  gtidSequence: string;
  timestamp: number;
}

/** Compact JSON: `{"type":"watermark",...,"shards":[{"serverId":"1","gtidSequence":"42","timestamp":...}]}`. */
export function encodeWatermarkControl(control: WatermarkControl): Buffer {
  const shards: WireShard[] = control.shards.map((s) => ({
    serverId: s.serverId,
    gtidSequence: s.gtidSequence.toString(),
    timestamp: s.timestamp,
  }));
  return Buffer.from(
    JSON.stringify({
      type: control.type,
      inputTopic: control.inputTopic,
      inputPartition: control.inputPartition,
      partitionCount: control.partitionCount,
      shards,
    }),
    'utf8',
  );
}

export function decodeWatermarkControl(bytes: Uint8Array): WatermarkControl {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw new InvalidWatermarkControlError('not JSON', error);
  }
  return parseWatermarkControl(parsed);
}

function parseWatermarkControl(value: unknown): WatermarkControl {
  if (!isObject(value) || value['type'] !== WATERMARK_CONTROL) throw new InvalidWatermarkControlError('type is not "watermark"');
  const { inputTopic, inputPartition, partitionCount, shards } = value;
  if (typeof inputTopic !== 'string') throw new InvalidWatermarkControlError('inputTopic is not a string');
  if (!isCount(inputPartition)) throw new InvalidWatermarkControlError(`inputPartition ${String(inputPartition)} is not a partition`);
  if (!isCount(partitionCount) || partitionCount <= inputPartition) {
    throw new InvalidWatermarkControlError(`partitionCount ${String(partitionCount)} does not cover partition ${inputPartition}`);
  }
  if (!Array.isArray(shards)) throw new InvalidWatermarkControlError('shards is not an array');
  return {
    type: WATERMARK_CONTROL,
    inputTopic,
    inputPartition,
    partitionCount,
    shards: shards.map((shard: unknown) => parseShard(shard, inputTopic, inputPartition)),
  };
}

function parseShard(shard: unknown, topic: string, partition: number): ShardProgress {
  const where = `${topic}/${partition}`;
  if (!isObject(shard)) throw new InvalidWatermarkControlError(`${where}: a shard entry is not an object`);
  const { serverId, gtidSequence, timestamp } = shard;
  if (typeof serverId !== 'string') throw new InvalidWatermarkControlError(`${where}: serverId is not a string`);
  if (typeof gtidSequence !== 'string' && typeof gtidSequence !== 'bigint') {
    throw new InvalidWatermarkControlError(`${where}: shard ${serverId}: gtidSequence is not a decimal string`);
  }
  if (typeof gtidSequence === 'string' && !/^-?\d+$/.test(gtidSequence)) {
    throw new InvalidWatermarkControlError(`${where}: shard ${serverId}: gtidSequence '${gtidSequence}' is not a decimal`);
  }
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw new InvalidWatermarkControlError(`${where}: shard ${serverId}: timestamp is not a number`);
  }
  return { serverId, gtidSequence: BigInt(gtidSequence), timestamp };
}

/**
 * Reads a watermark control record whether its value is still the object (same task) or bytes (read
 * back from a repartition topic). Undefined for other control records; throws on a broken one.
 */
export function readWatermarkControl(record: StreamRecord<unknown, unknown>): WatermarkControl | undefined {
  const value = record.value;
  if (value instanceof Uint8Array) {
    if (record.headers[CONTROL_HEADER] !== WATERMARK_CONTROL) return undefined;
    return decodeWatermarkControl(value);
  }
  // Still the in-process object: validated all the same, since any processor could forward a look-alike.
  if (isObject(value) && value['type'] === WATERMARK_CONTROL) return parseWatermarkControl(value);
  return undefined;
}

/**
 * A control record carrying `control` already encoded, marked with CONTROL_HEADER: a sink writes
 * control values as bytes, unchanged, to every partition of a repartition topic.
 */
export function watermarkControlRecord(control: WatermarkControl, timestamp: number): StreamRecord<null, Buffer> {
  return streamRecord(null, encodeWatermarkControl(control), timestamp, { [CONTROL_HEADER]: WATERMARK_CONTROL });
}

export const watermarkControlSerde: Serde<WatermarkControl> = {
  name: 'cdc-watermark-control',
  serialize: (value) => encodeWatermarkControl(value),
  deserialize: (data) => decodeWatermarkControl(data),
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
