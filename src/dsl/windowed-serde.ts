import type { Serde, SerdeContext } from '../serde/serde.js';
import type { Windowed } from '../state/window-store.js';

const START_BYTES = 8;

class WindowedKeyError extends RangeError {}

/**
 * Keys of a time-windowed table on a topic, as Kafka Streams' `TimeWindowedSerde` writes them: the
 * inner key's bytes followed by the window start as a big-endian signed 64-bit integer. The end is not
 * written: it is `start + windowSizeMs`.
 */
export function timeWindowedSerde<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
  return {
    name: `windowed(${inner.name})`,
    serialize(value: Windowed<K>, context: SerdeContext): Buffer {
      const key = inner.serialize(value.key, context);
      const out = Buffer.allocUnsafe(key.length + START_BYTES);
      key.copy(out, 0);
      out.writeBigInt64BE(BigInt(value.window.start), key.length);
      return out;
    },
    deserialize(data: Buffer, context: SerdeContext): Windowed<K> {
      if (data.length < START_BYTES) throw new WindowedKeyError(`a windowed key needs at least ${START_BYTES} bytes, got ${data.length}`);
      const start = Number(data.readBigInt64BE(data.length - START_BYTES));
      return { key: inner.deserialize(data.subarray(0, data.length - START_BYTES), context), window: { start, end: start + windowSizeMs } };
    },
  };
}

/**
 * Keys of a session-windowed table on a topic, as Kafka Streams' `SessionWindowedSerde` writes them: the
 * inner key's bytes, then the session's end and start as big-endian signed 64-bit integers.
 */
export function sessionWindowedSerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return {
    name: `session-windowed(${inner.name})`,
    serialize(value: Windowed<K>, context: SerdeContext): Buffer {
      const key = inner.serialize(value.key, context);
      const out = Buffer.allocUnsafe(key.length + 2 * START_BYTES);
      key.copy(out, 0);
      out.writeBigInt64BE(BigInt(value.window.end), key.length);
      out.writeBigInt64BE(BigInt(value.window.start), key.length + START_BYTES);
      return out;
    },
    deserialize(data: Buffer, context: SerdeContext): Windowed<K> {
      if (data.length < 2 * START_BYTES) throw new WindowedKeyError(`a session-windowed key needs at least ${2 * START_BYTES} bytes, got ${data.length}`);
      const keyEnd = data.length - 2 * START_BYTES;
      return {
        key: inner.deserialize(data.subarray(0, keyEnd), context),
        window: { end: Number(data.readBigInt64BE(keyEnd)), start: Number(data.readBigInt64BE(keyEnd + START_BYTES)) },
      };
    },
  };
}
