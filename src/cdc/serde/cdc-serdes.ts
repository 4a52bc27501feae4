import type { Headers } from '../../common/headers.js';
import type { Serde, SerdeContext } from '../../serde/serde.js';
import type { HeldEvent, ResequencerEntry, ShardState } from '../resequencer/resequencer-types.js';
import { ChangeEventSerdeError } from '../change-event-serde.js';
import { taggedJsonSerde } from './tagged-json.js';

// Format bytes of held-store values. Tagged JSON (an object, so its first byte is '{') was the only
// format before the binary one; values in that format are still read, so an old state dir or changelog restores.
const HELD_FORMAT = 0x01;
const SHARD_FORMAT = 0x02;
const HELD_WITH_OFFSET_FORMAT = 0x03;
const LEGACY_JSON_FORMAT = 0x7b;
const NULL_KEY = 0xffff_ffff;
// format + key length + timestamp + headers length
const FIXED_BYTES = 1 + 4 + 8 + 4;
const OFFSET_BYTES = 8;

/**
 * Values of the resequencer's held store: held records (and, from versions before the shards store,
 * per-shard state rows). Keys of that store are raw bytes (resequencer-keys.ts). A held record is
 * written as
 *
 *     0x03 | f64 input offset | u32 key length (0xffffffff: null) | key bytes (keySerde) | f64 timestamp
 *          | u32 headers length (0: none) | headers (tagged JSON) | value bytes (valueSerde)
 *
 * (0x01: the same without the offset, as written before the held store lost its changelog, and for an
 * event held without one)
 * so the event itself goes through the same compact serde as the repartition topic it came from
 * (for change events: changeEventSerde), instead of generic tagged JSON, the biggest serde cost on
 * the hot path in the profile (docs/benchmarks.md). A shard row is 0x02 followed by its JSON.
 */
/** Values of the resequencer's shards store (keyed by serverId): the row as JSON. */
export const shardStateSerde: Serde<ShardState> = {
  name: 'cdc-resequencer-shard',
  serialize: (state) => Buffer.from(JSON.stringify(state), 'utf8'),
  deserialize: (data, context) => {
    const parsed = JSON.parse(data.toString('utf8')) as Partial<ShardState>;
    if (parsed.kind !== 'shard' || typeof parsed.serverId !== 'string' || typeof parsed.releasedThrough !== 'string') {
      throw new ChangeEventSerdeError(`shard row in store '${context.topic}' is not a shard state: ${data.toString('utf8', 0, 200)}`);
    }
    return parsed as ShardState;
  },
};

export function resequencerEntrySerde<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Serde<ResequencerEntry<K, V>> {
  const legacy = taggedJsonSerde<ResequencerEntry<K, V>>('cdc-resequencer-entry');
  const headersSerde = taggedJsonSerde<Headers>('cdc-resequencer-headers');
  return {
    name: `cdc-resequencer-entry(${keySerde.name}, ${valueSerde.name})`,
    serialize(entry: ResequencerEntry<K, V>, context: SerdeContext): Buffer {
      if (entry.kind === 'shard') return Buffer.concat([Buffer.of(SHARD_FORMAT), Buffer.from(JSON.stringify(entry), 'utf8')]);
      const key = entry.key === null ? undefined : keySerde.serialize(entry.key, context);
      const headers = hasHeaders(entry.headers) ? headersSerde.serialize(entry.headers, context) : undefined;
      const value = valueSerde.serialize(entry.value, context);
      const keyLength = key?.length ?? 0;
      const headersLength = headers?.length ?? 0;
      const offset = entry.offset;
      const out = Buffer.allocUnsafe((offset === undefined ? 0 : OFFSET_BYTES) + FIXED_BYTES + keyLength + headersLength + value.length);
      let at = out.writeUInt8(offset === undefined ? HELD_FORMAT : HELD_WITH_OFFSET_FORMAT, 0);
      if (offset !== undefined) at = out.writeDoubleBE(offset, at);
      at = out.writeUInt32BE(key === undefined ? NULL_KEY : keyLength, at);
      if (key !== undefined) at += key.copy(out, at);
      at = out.writeDoubleBE(entry.timestamp, at);
      at = out.writeUInt32BE(headersLength, at);
      if (headers !== undefined) at += headers.copy(out, at);
      value.copy(out, at);
      return out;
    },
    deserialize(data: Buffer, context: SerdeContext): ResequencerEntry<K, V> {
      switch (data[0]) {
        case HELD_FORMAT:
          return readHeld(data, 1, undefined, context, keySerde, valueSerde, headersSerde);
        case HELD_WITH_OFFSET_FORMAT:
          if (data.length < 1 + OFFSET_BYTES) throw new ChangeEventSerdeError(`held event in store '${context.topic}': ${data.length} bytes is too short`);
          return readHeld(data, 1 + OFFSET_BYTES, data.readDoubleBE(1), context, keySerde, valueSerde, headersSerde);
        case SHARD_FORMAT:
          return JSON.parse(data.toString('utf8', 1)) as ShardState;
        case LEGACY_JSON_FORMAT:
          return legacy.deserialize(data, context);
        default:
          throw new ChangeEventSerdeError(`resequencer entry in store '${context.topic}': unknown format byte ${String(data[0])}`);
      }
    },
  };
}

function readHeld<K, V>(
  data: Buffer,
  start: number,
  offset: number | undefined,
  context: SerdeContext,
  keySerde: Serde<K>,
  valueSerde: Serde<V>,
  headersSerde: Serde<Headers>,
): HeldEvent<K, V> {
  if (data.length < start - 1 + FIXED_BYTES) throw new ChangeEventSerdeError(`held event in store '${context.topic}': ${data.length} bytes is too short`);
  let at = start;
  const keyLength = data.readUInt32BE(at);
  at += 4;
  const nullKey = keyLength === NULL_KEY;
  if (!nullKey && at + keyLength + 12 > data.length) throw new ChangeEventSerdeError(`held event in store '${context.topic}': key length ${keyLength} overruns the value`);
  const key = nullKey ? (null as K) : keySerde.deserialize(data.subarray(at, at + keyLength), context);
  if (!nullKey) at += keyLength;
  const timestamp = data.readDoubleBE(at);
  at += 8;
  const headersLength = data.readUInt32BE(at);
  at += 4;
  if (at + headersLength > data.length) throw new ChangeEventSerdeError(`held event in store '${context.topic}': headers length ${headersLength} overruns the value`);
  const headers = headersLength === 0 ? {} : headersSerde.deserialize(data.subarray(at, at + headersLength), context);
  at += headersLength;
  const value = valueSerde.deserialize(data.subarray(at), context);
  return offset === undefined ? { kind: 'held', key, value, timestamp, headers } : { kind: 'held', key, value, timestamp, headers, offset };
}

function hasHeaders(headers: Headers): boolean {
  for (const name in headers) if (headers[name] !== undefined) return true;
  return false;
}
