import { describe, expect, it } from 'vitest';
import { recordsOutsideAbortedTransactions, type FetchedRecord } from '../../../src/runtime/kafka/read-committed-filter.js';

const ABORT_KEY = Buffer.from([0, 0, 0, 0]);
const COMMIT_KEY = Buffer.from([0, 0, 0, 1]);

function data(offset: number, producerId: string, key: Buffer | null = Buffer.from(`k${offset}`)): FetchedRecord {
  return { offset: String(offset), key, isControlRecord: false, batchContext: { producerId, inTransaction: true } };
}

function marker(offset: number, producerId: string, key: Buffer): FetchedRecord {
  return { offset: String(offset), key, isControlRecord: true, batchContext: { producerId, inTransaction: true } };
}

const dataOffsets = (records: readonly FetchedRecord[]) => records.filter((r) => r.isControlRecord !== true).map((r) => Number(r.offset));

describe('recordsOutsideAbortedTransactions (the read_committed filter kafkajs reads with)', () => {
  it('drops the records of every aborted transaction when the broker lists them in abort order, not by first offset', () => {
    // Producer 1 begins at 0, producer 2 at 3; producer 2 is aborted first (marker at 6), then 1 (at 7);
    // producer 3 commits one record at 8. The broker lists [2, 1]: the order of the abort markers.
    const records = [data(0, '1'), data(1, '1'), data(2, '1'), data(3, '2'), data(4, '2'), data(5, '1'), marker(6, '2', ABORT_KEY), marker(7, '1', ABORT_KEY), data(8, '3'), marker(9, '3', COMMIT_KEY)];
    const kept = recordsOutsideAbortedTransactions(records, [{ producerId: '2', firstOffset: '3' }, { producerId: '1', firstOffset: '0' }]);
    expect(dataOffsets(kept)).toEqual([8]);
  });

  it('drops the records of transactions that began before the fetched offset', () => {
    const records = [data(4, '2'), data(5, '1'), marker(6, '2', ABORT_KEY), marker(7, '1', ABORT_KEY), data(8, '1'), marker(9, '1', COMMIT_KEY)];
    const kept = recordsOutsideAbortedTransactions(records, [{ producerId: '2', firstOffset: '3' }, { producerId: '1', firstOffset: '0' }]);
    expect(dataOffsets(kept)).toEqual([8]);
  });

  it('keeps a producer’s committed transaction after its aborted one, and records outside transactions', () => {
    const outside: FetchedRecord = { offset: '2', key: null, batchContext: { producerId: '-1', inTransaction: false } };
    const records = [data(0, '1'), marker(1, '1', ABORT_KEY), outside, data(3, '1'), marker(4, '1', COMMIT_KEY)];
    const kept = recordsOutsideAbortedTransactions(records, [{ producerId: '1', firstOffset: '0' }]);
    expect(dataOffsets(kept)).toEqual([2, 3]);
  });

  it('does not take a data record whose key is four zero bytes for an abort marker', () => {
    const records = [data(0, '1'), data(1, '1', Buffer.from(ABORT_KEY)), data(2, '1'), marker(3, '1', ABORT_KEY)];
    expect(dataOffsets(recordsOutsideAbortedTransactions(records, [{ producerId: '1', firstOffset: '0' }]))).toEqual([]);
  });

  it('keeps everything when the fetch names no aborted transaction', () => {
    const records = [data(0, '1'), marker(1, '1', COMMIT_KEY)];
    expect(recordsOutsideAbortedTransactions(records, [])).toEqual(records);
    expect(recordsOutsideAbortedTransactions(records, undefined)).toEqual(records);
  });
});
