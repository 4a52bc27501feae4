import type { BytesRange, BytesStore, BytesWrite } from './bytes-store.js';

/**
 * A scan over the buffered writes (a sorted snapshot, in scan order) and the inner store, in byte
 * order (or reverse byte order). A buffered write shadows the inner entry with the same key: a put
 * replaces its value, a delete hides it.
 *
 * The inner scan is opened on the first `next()` and always finished: the `finally` runs when the
 * merge completes, fails, or is `return()`ed by a `break`.
 */
export async function* mergedScan(
  inner: BytesStore,
  range: BytesRange,
  buffered: readonly BytesWrite[],
): AsyncGenerator<[Buffer, Buffer], void, undefined> {
  const sign = range.reverse === true ? -1 : 1;
  let remaining = range.limit === undefined || range.limit < 0 ? Infinity : range.limit;
  if (remaining === 0) return;
  // Every buffered key can shadow at most one inner entry, so this many inner entries always suffice.
  const innerLimit = remaining === Infinity ? undefined : remaining + buffered.length;
  const scan = inner.iterate(innerLimit === undefined ? range : { ...range, limit: innerLimit });
  try {
    let next = await scan.next();
    let i = 0;
    while (remaining > 0) {
      const write = buffered[i];
      if (next.done === true) {
        if (write === undefined) return;
        i++;
        if (write.value !== null) {
          remaining--;
          yield [write.key, write.value];
        }
        continue;
      }
      const order = write === undefined ? 1 : sign * Buffer.compare(write.key, next.value[0]);
      if (order > 0) {
        remaining--;
        yield next.value;
        next = await scan.next();
        continue;
      }
      // `write` comes first, or replaces the inner entry with the same key.
      i++;
      if (order === 0) next = await scan.next();
      if (write !== undefined && write.value !== null) {
        remaining--;
        yield [write.key, write.value];
      }
    }
  } finally {
    await scan.return?.();
  }
}
