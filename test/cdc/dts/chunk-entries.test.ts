import { describe, expect, it } from 'vitest';
import { chunkEntries } from '../../../src/cdc/dts/chunk-entries.js';
import { decodeEntries, decodeEnvelope } from '../../../src/cdc/dts/dts-decode.js';
import { encodeEnvelope } from '../../../src/cdc/dts/dts-encode.js';
import { fixture } from './fixtures.js';

describe('chunkEntries', () => {
  const bytes = fixture('insert-transaction.entries.bin'); // 683 bytes

  it('cuts into ceil(length / max) pieces indexed 0..total-1 whose concatenation is the input', () => {
    const pieces = chunkEntries(bytes, 100);
    expect(pieces).toHaveLength(7);
    expect(pieces.map((p) => [p.total, p.index, p.data.length])).toEqual([
      [7, 0, 100],
      [7, 1, 100],
      [7, 2, 100],
      [7, 3, 100],
      [7, 4, 100],
      [7, 5, 100],
      [7, 6, 83],
    ]);
    expect(Buffer.concat(pieces.map((p) => p.data)).equals(bytes)).toBe(true);
  });

  it('survives encoding each piece as an Envelope and decoding the joined data as Entries', () => {
    const decoded = chunkEntries(bytes, 64).map((p) => decodeEnvelope(encodeEnvelope(p)));
    expect(decodeEntries(Buffer.concat(decoded.map((p) => p.data)))).toHaveLength(3);
  });

  it('makes one piece when the bytes fit, and one empty piece for empty input', () => {
    expect(chunkEntries(bytes, 683).map((p) => [p.total, p.index, p.data.length])).toEqual([[1, 0, 683]]);
    expect(chunkEntries(Buffer.alloc(0), 10).map((p) => [p.total, p.index, p.data.length])).toEqual([[1, 0, 0]]);
  });

  it('rejects a piece size that is not a positive integer', () => {
    expect(() => chunkEntries(bytes, 0)).toThrowError(/maxPieceBytes must be a positive integer/);
    expect(() => chunkEntries(bytes, 1.5)).toThrowError(/maxPieceBytes/);
  });
});
