import { describe, expect, it } from 'vitest';
import { purgeableOffsets, recordsToDelete } from '../../src/runtime/repartition-purge.js';

const REPARTITION = 'app-resequence-repartition';
const task = (partition: number, committed: Record<string, bigint>) => ({ partition, committed: new Map(Object.entries(committed)) });

describe('purgeableOffsets', () => {
  it("takes each task's committed offset of the repartition topics it reads, per partition", () => {
    const offsets = purgeableOffsets([task(0, { [REPARTITION]: 120n }), task(3, { [REPARTITION]: 7n })], new Set([REPARTITION]));
    expect(offsets).toEqual(new Map([[REPARTITION, new Map([[0, 120n], [3, 7n]])]]));
  });

  it('never names a topic that is not a repartition topic: the input a task also reads stays whole', () => {
    const offsets = purgeableOffsets([task(1, { 'dts.sale': 900n, [REPARTITION]: 40n }), task(2, { 'dts.sale': 5n })], new Set([REPARTITION]));
    expect([...offsets.keys()]).toEqual([REPARTITION]);
    expect(offsets.get(REPARTITION)).toEqual(new Map([[1, 40n]]));
  });

  it('leaves out a partition with nothing committed yet (offset 0)', () => {
    expect(purgeableOffsets([task(0, { [REPARTITION]: 0n })], new Set([REPARTITION])).size).toBe(0);
  });

  it('is empty for a topology without repartition topics', () => {
    expect(purgeableOffsets([task(0, { 'dts.sale': 10n })], new Set()).size).toBe(0);
  });
});

describe('recordsToDelete', () => {
  it('asks to delete below the committed offset where it is past the log start, counting the offsets between', () => {
    const deletions = recordsToDelete(
      new Map([
        [2, 50n],
        [0, 120n],
      ]),
      new Map([
        [0, 100n],
        [1, 0n],
        [2, 0n],
      ]),
    );
    expect(deletions).toEqual([
      { partition: 0, offset: 120n, records: 20n },
      { partition: 2, offset: 50n, records: 50n },
    ]);
  });

  it('asks nothing for a partition already purged up to its committed offset (an idle one)', () => {
    expect(recordsToDelete(new Map([[0, 120n]]), new Map([[0, 120n]]))).toEqual([]);
  });

  it('never asks to move the log start back when it is already past the committed offset', () => {
    expect(recordsToDelete(new Map([[0, 120n]]), new Map([[0, 300n]]))).toEqual([]);
  });

  it('skips a partition whose log start it does not know', () => {
    expect(recordsToDelete(new Map([[4, 120n]]), new Map([[0, 0n]]))).toEqual([]);
  });
});
