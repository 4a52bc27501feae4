import { describe, expect, it } from 'vitest';
import { decodeHeldKey, heldKey, heldKeyAfter, shardPrefix, shardUpperBound } from '../../../src/cdc/resequencer/resequencer-keys.js';

const key = (serverId: string, gtidSequence: bigint, position: bigint, rowIndex: number) => heldKey({ serverId, gtidSequence, position, rowIndex });

describe('resequencer keys', () => {
  it('order by GTID sequence, then position, then row index within a shard, in byte order', () => {
    const ordered = [key('7', 1n, 900n, 3), key('7', 2n, 4n, 0), key('7', 2n, 4n, 1), key('7', 2n, 300n, 0), key('7', 256n, 0n, 0)];
    const shuffled = [ordered[3], ordered[0], ordered[4], ordered[2], ordered[1]] as Buffer[];
    expect(shuffled.sort(Buffer.compare)).toEqual(ordered);
  });

  it('never interleave two shards, even when one id is a prefix of the other', () => {
    const one = [key('1', 0n, 0n, 0), key('1', 2n ** 64n - 1n, 2n ** 64n - 1n, 4294967295)];
    for (const k of one) {
      expect(Buffer.compare(k, shardPrefix('12'))).not.toBe(0);
      expect(Buffer.compare(k, shardPrefix('1')) >= 0 && Buffer.compare(k, shardUpperBound('1')) < 0).toBe(true);
      expect(Buffer.compare(k, shardPrefix('12')) < 0 || Buffer.compare(k, shardUpperBound('12')) >= 0).toBe(true);
    }
  });

  it('bound "at or before sequence W" exclusively at the first key of W + 1', () => {
    const bound = heldKeyAfter('7', 5n);
    expect(Buffer.compare(key('7', 5n, 2n ** 64n - 1n, 4294967295), bound)).toBe(-1);
    expect(Buffer.compare(key('7', 6n, 0n, 0), bound)).toBe(0);
    expect(Buffer.compare(heldKeyAfter('7', -1n), key('7', 0n, 0n, 0))).toBe(0);
  });

  it('decode back to the position they encode', () => {
    expect(decodeHeldKey(key('shard-α', 42n, 1234n, 5))).toEqual({ serverId: 'shard-α', gtidSequence: 42n, position: 1234n, rowIndex: 5 });
  });
});
