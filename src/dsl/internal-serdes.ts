import type { Serde } from '../serde/serde.js';

/**
 * Marks a stream whose keys or values are raw bytes (a source without serdes): a sink then writes
 * them as they are. It is never handed to the runtime; the DSL turns it into "no serde".
 */
export const RAW_BYTES: Serde<Buffer> = {
  name: 'bytes',
  serialize: (value) => value,
  deserialize: (data) => data,
};

/** Counts in stores and on topics: an 8-byte big-endian float64, exact for integers below 2^53. */
export const COUNT_SERDE: Serde<number> = {
  name: 'count',
  serialize: (value) => {
    const buffer = Buffer.allocUnsafe(8);
    buffer.writeDoubleBE(value, 0);
    return buffer;
  },
  deserialize: (data) => {
    if (data.length !== 8) throw new RangeError(`a count is 8 bytes, got ${data.length}`);
    return data.readDoubleBE(0);
  },
};

export function runtimeSerde<T>(serde: Serde<T> | undefined): Serde<T> | undefined {
  return serde === (RAW_BYTES as Serde<unknown>) ? undefined : serde;
}
