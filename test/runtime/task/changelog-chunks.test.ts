import { describe, expect, it } from 'vitest';
import {
  ChangelogChunkIndex,
  ChangelogPieceStash,
  changelogRecordsFor,
  type ChangelogRecordOut,
} from '../../../src/runtime/task/changelog-chunks.js';
import { recordBatchBytes } from '../../../src/runtime/task/record-size.js';

const LIMIT = 4096;
const key = Buffer.from('order-1');
const bigValue = (bytes: number, seed: number) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 7 + seed) & 0xff));

function write(index: ChangelogChunkIndex, writes: Array<{ key: Buffer; value: Buffer | null }>): ChangelogRecordOut[] {
  const out: ChangelogRecordOut[] = [];
  changelogRecordsFor('s', writes, index, LIMIT, out);
  return out;
}

describe('changelog chunks', () => {
  it('writes a value bigger than the limit as pieces and a manifest, every record within the limit', () => {
    const out = write(new ChangelogChunkIndex(), [{ key, value: bigValue(20_000, 1) }]);
    expect(out.length).toBeGreaterThan(5);
    for (const record of out) expect(recordBatchBytes(record.key, record.value, record.headers)).toBeLessThanOrEqual(LIMIT);
    expect(out[out.length - 1]?.key).toEqual(key);
  });

  it('restores the last value of a key from the log, tombstoning the pieces of values it replaced', () => {
    const index = new ChangelogChunkIndex();
    const first = write(index, [{ key, value: bigValue(20_000, 1) }]);
    const second = write(index, [{ key, value: bigValue(9_000, 2) }]);
    const firstPieces = first.slice(0, -1).map((r) => r.key.toString('hex'));
    expect(second.filter((r) => r.value === null).map((r) => r.key.toString('hex'))).toEqual(firstPieces);
    const log = [...first, ...second];
    const restoredIndex = new ChangelogChunkIndex();
    const writes = new ChangelogPieceStash('s').apply(log, restoredIndex);
    expect(writes.map((w) => w.value?.length)).toEqual([20_000, 9_000]);
    expect(writes[1]?.value?.equals(bigValue(9_000, 2))).toBe(true);
    expect(restoredIndex.size).toBe(1);
  });

  it('hands out pieces no manifest claimed (a crash between pieces and manifest), so they can be tombstoned', () => {
    const out = write(new ChangelogChunkIndex(), [{ key, value: bigValue(20_000, 3) }]);
    const stash = new ChangelogPieceStash('s');
    expect(stash.apply(out.slice(0, -1), new ChangelogChunkIndex())).toEqual([]);
    expect(stash.unclaimedPieces().length).toBe(out.length - 1);
  });

  it('tombstones the pieces of a chunked value when the key is deleted, and forgets the key', () => {
    const index = new ChangelogChunkIndex();
    const first = write(index, [{ key, value: bigValue(20_000, 4) }]);
    const deleted = write(index, [{ key, value: null }]);
    expect(deleted[0]).toEqual({ key, value: null, headers: {} });
    expect(deleted.slice(1).map((r) => r.key.toString('hex'))).toEqual(first.slice(0, -1).map((r) => r.key.toString('hex')));
    expect(index.size).toBe(0);
  });

  it('keeps its index across a restart through its encoded form', () => {
    const index = new ChangelogChunkIndex();
    write(index, [{ key, value: bigValue(20_000, 5) }, { key: Buffer.from('other'), value: bigValue(30_000, 6) }]);
    const reopened = ChangelogChunkIndex.decode('s', index.takeChanges());
    expect(reopened.size).toBe(2);
    expect(write(reopened, [{ key, value: null }]).filter((r) => r.value === null).length).toBeGreaterThan(1);
  });

  it('rejects a manifest whose pieces are missing, naming the store', () => {
    const out = write(new ChangelogChunkIndex(), [{ key, value: bigValue(20_000, 7) }]);
    expect(() => new ChangelogPieceStash('orders').apply(out.slice(1), new ChangelogChunkIndex())).toThrow(/store 'orders': piece 0 of/);
  });
});
