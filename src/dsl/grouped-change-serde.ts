import type { Serde, SerdeContext } from '../serde/serde.js';
import type { Change } from './table-change.js';

const HAS_OLD = 0x01;
const HAS_NEW = 0x02;

class GroupedChangeFormatError extends RangeError {}

/**
 * A table change on its way through `KTable.groupBy`'s repartition topic: one flags byte (bit 0: an old
 * value to subtract, bit 1: a new value to add), the old value's length (4 bytes, big-endian) and bytes,
 * then the new value's bytes. Both halves travel in one record when the old and new value group under
 * the same key, so the aggregate applies them as one update.
 */
export function groupedChangeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    name: `change(${inner.name})`,
    serialize(change: Change<V>, context: SerdeContext): Buffer {
      const old = change.oldValue === undefined ? undefined : inner.serialize(change.oldValue, context);
      const next = change.newValue === undefined ? undefined : inner.serialize(change.newValue, context);
      const out = Buffer.allocUnsafe(5 + (old?.length ?? 0) + (next?.length ?? 0));
      out[0] = (old === undefined ? 0 : HAS_OLD) | (next === undefined ? 0 : HAS_NEW);
      out.writeUInt32BE(old?.length ?? 0, 1);
      old?.copy(out, 5);
      next?.copy(out, 5 + (old?.length ?? 0));
      return out;
    },
    deserialize(data: Buffer, context: SerdeContext): Change<V> {
      if (data.length < 5) throw new GroupedChangeFormatError(`a grouped table change needs at least 5 bytes, got ${data.length}`);
      const flags = data[0]!;
      const oldLength = data.readUInt32BE(1);
      if (5 + oldLength > data.length) throw new GroupedChangeFormatError(`old value of ${oldLength} bytes overruns the ${data.length}-byte record`);
      return {
        oldValue: (flags & HAS_OLD) === 0 ? undefined : inner.deserialize(data.subarray(5, 5 + oldLength), context),
        newValue: (flags & HAS_NEW) === 0 ? undefined : inner.deserialize(data.subarray(5 + oldLength), context),
      };
    },
  };
}
