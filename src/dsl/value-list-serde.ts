import type { Serde, SerdeContext } from '../serde/serde.js';

class ValueListFormatError extends RangeError {}

/**
 * A list of values in one store entry (a stream-stream join keeps every record of a key with the same
 * timestamp): a 4-byte count, then per value a 4-byte length and its bytes.
 */
export function valueListSerde<V>(inner: Serde<V>): Serde<V[]> {
  return {
    name: `list(${inner.name})`,
    serialize(values: V[], context: SerdeContext): Buffer {
      const parts = values.map((v) => inner.serialize(v, context));
      const out = Buffer.allocUnsafe(4 + parts.reduce((n, p) => n + 4 + p.length, 0));
      out.writeUInt32BE(parts.length, 0);
      let at = 4;
      for (const part of parts) {
        out.writeUInt32BE(part.length, at);
        part.copy(out, at + 4);
        at += 4 + part.length;
      }
      return out;
    },
    deserialize(data: Buffer, context: SerdeContext): V[] {
      if (data.length < 4) throw new ValueListFormatError(`a value list needs at least 4 bytes, got ${data.length}`);
      const count = data.readUInt32BE(0);
      const values: V[] = [];
      let at = 4;
      for (let i = 0; i < count; i++) {
        if (at + 4 > data.length) throw new ValueListFormatError(`value list truncated before value ${i} of ${count}`);
        const length = data.readUInt32BE(at);
        if (at + 4 + length > data.length) throw new ValueListFormatError(`value ${i} of ${length} bytes overruns the list`);
        values.push(inner.deserialize(data.subarray(at + 4, at + 4 + length), context));
        at += 4 + length;
      }
      return values;
    },
  };
}
