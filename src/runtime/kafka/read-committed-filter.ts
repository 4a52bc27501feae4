/** A fetched record as kafkajs' fetch decoder gives it: its offset, key and the batch it came in. */
export interface FetchedRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

/** One entry of a fetch response's aborted-transaction list for a partition. */
export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** A control record's key: version (int16) 0, then type (int16) 0 for an abort marker. */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

function isAbortMarker(record: FetchedRecord): boolean {
  return record.isControlRecord === true && record.key !== null && ABORT_MARKER_KEY.equals(record.key);
}

/**
 * The records of a read_committed fetch that belong to no aborted transaction (control records are
 * kept; the caller drops them). This is how the Java consumer reads a fetch: the broker lists the
 * aborted transactions that overlap it in the order they were aborted, so they are sorted by first
 * offset, and before each record every aborted transaction beginning at or before it is entered; a
 * producer's abort marker ends its. kafkajs 2.2.4 took the list in the broker's order, one entry per
 * record, and delivered the records of an aborted transaction that began before an earlier-aborted
 * one — what an exactly_once restart leaves in a topic several tasks write (docs/reliability.md,
 * "Aborted records read as committed"). It also took a data record whose key is four zero bytes
 * for an abort marker.
 */
export function recordsOutsideAbortedTransactions<R extends FetchedRecord>(records: readonly R[], aborted: readonly AbortedTransaction[] | undefined): readonly R[] {
  // The usual fetch: nothing aborted in range, the records as they are (no copy on the hot path).
  if (aborted === undefined || aborted.length === 0) return records;
  const pending = aborted.map((t) => ({ producerId: t.producerId, firstOffset: BigInt(t.firstOffset) })).sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<string>();
  let next = 0;
  const kept: R[] = [];
  for (const record of records) {
    if (next < pending.length) {
      const offset = BigInt(record.offset);
      while (next < pending.length && pending[next]!.firstOffset <= offset) abortedProducers.add(pending[next++]!.producerId);
    }
    const producerId = record.batchContext.producerId;
    if (isAbortMarker(record)) abortedProducers.delete(producerId);
    else if (record.batchContext.inTransaction && abortedProducers.has(producerId)) continue;
    kept.push(record);
  }
  return kept;
}
