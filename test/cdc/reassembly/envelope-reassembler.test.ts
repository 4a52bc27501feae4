import { describe, expect, it } from 'vitest';
import { EnvelopeReassembler } from '../../../src/cdc/reassembly/envelope-reassembler.js';

const piece = (total: number, index: number, data: string) => ({ total, index, data: Buffer.from(data) });

function feed(reassembler: EnvelopeReassembler<string>, pieces: Array<[number, number, string]>, firstOffset = 0) {
  return pieces.map(([total, index, data], i) => reassembler.accept(piece(total, index, data), String(firstOffset + i), `raw${firstOffset + i}`));
}

describe('EnvelopeReassembler', () => {
  it('passes a single-piece message through at once, treating total 0 as 1', () => {
    const r = new EnvelopeReassembler<string>();
    const [one, zero] = feed(r, [[1, 0, 'abc'], [0, 0, 'xyz']]);
    expect(one?.completed?.data.toString()).toBe('abc');
    expect(zero?.completed?.data.toString()).toBe('xyz');
    expect(zero?.completed?.firstOffset).toBe('1');
    expect(r.openGroupOffset()).toBeUndefined();
  });

  it('joins pieces in index order and reports the open group offset until complete', () => {
    const r = new EnvelopeReassembler<string>();
    const steps = feed(r, [[3, 0, 'ab'], [3, 1, 'cd']], 10);
    expect(steps.map((s) => s.outcome)).toEqual(['pending', 'pending']);
    expect(r.openGroupOffset()).toBe('10');
    expect(r.metrics.piecesPending).toBe(2);
    const last = r.accept(piece(3, 2, 'e'), '12', 'raw12');
    expect(last.completed?.data.toString()).toBe('abcde');
    expect(last.completed?.firstOffset).toBe('10');
    expect(last.completed?.messages.map((m) => m.offset)).toEqual(['10', '11', '12']);
    expect(r.openGroupOffset()).toBeUndefined();
    expect(r.metrics.piecesPending).toBe(0);
  });

  it('ignores and counts a repeated piece with the same bytes (redelivery restarting inside the group)', () => {
    const r = new EnvelopeReassembler<string>();
    const steps = feed(r, [[3, 0, 'ab'], [3, 1, 'cd'], [3, 0, 'ab'], [3, 1, 'cd'], [3, 2, 'e']]);
    expect(steps.map((s) => s.outcome)).toEqual(['pending', 'pending', 'duplicate', 'duplicate', 'completed']);
    expect(steps[4]?.completed?.data.toString()).toBe('abcde');
    expect(r.metrics.duplicatePieces).toBe(2);
    expect(r.metrics.groupsAbandoned).toBe(0);
  });

  it('abandons the open group when a different index 0 arrives, and starts the new group', () => {
    const r = new EnvelopeReassembler<string>();
    const steps = feed(r, [[3, 0, 'ab'], [3, 1, 'cd'], [2, 0, 'XY'], [2, 1, 'Z']]);
    expect(steps[2]?.abandoned?.reason).toBe('total-changed');
    expect(steps[2]?.abandoned?.messages).toEqual([{ offset: '0', raw: 'raw0' }, { offset: '1', raw: 'raw1' }]);
    expect(steps[3]?.completed?.data.toString()).toBe('XYZ');
    expect(steps[3]?.completed?.firstOffset).toBe('2');

    const same = new EnvelopeReassembler<string>();
    const restarted = feed(same, [[3, 0, 'ab'], [3, 0, 'QQ']]);
    expect(restarted[1]?.abandoned?.reason).toBe('restarted');
    expect(restarted[1]?.abandoned?.messages.map((m) => m.offset)).toEqual(['0']);
    expect(same.openGroupOffset()).toBe('1');
  });

  it('abandons and completes in one step when a single-piece message breaks an open group', () => {
    const r = new EnvelopeReassembler<string>();
    const steps = feed(r, [[2, 0, 'ab'], [1, 0, 'solo']]);
    expect(steps[1]?.abandoned?.reason).toBe('total-changed');
    expect(steps[1]?.completed?.data.toString()).toBe('solo');
  });

  it('abandons the group together with the breaking piece on a gap, an out-of-range index or a changed earlier piece', () => {
    const gap = feed(new EnvelopeReassembler<string>(), [[4, 0, 'a'], [4, 2, 'c']]);
    expect(gap[1]?.abandoned).toEqual({ reason: 'gap', messages: [{ offset: '0', raw: 'raw0' }, { offset: '1', raw: 'raw1' }] });

    const range = feed(new EnvelopeReassembler<string>(), [[2, 0, 'a'], [2, 2, 'c']]);
    expect(range[1]?.abandoned?.reason).toBe('index-out-of-range');
    expect(range[1]?.abandoned?.messages).toHaveLength(2);

    const changed = feed(new EnvelopeReassembler<string>(), [[3, 0, 'a'], [3, 1, 'b'], [3, 1, 'B']]);
    expect(changed[2]?.abandoned?.reason).toBe('out-of-sequence');
    expect(changed[2]?.abandoned?.messages).toHaveLength(3);
  });

  it('counts and skips a non-zero index while no group is open (the tail of a redelivered group)', () => {
    const r = new EnvelopeReassembler<string>();
    const steps = feed(r, [[3, 1, 'cd'], [3, 2, 'e'], [1, 0, 'next']]);
    expect(steps.map((s) => s.outcome)).toEqual(['orphan', 'orphan', 'completed']);
    expect(r.metrics.orphanPieces).toBe(2);
    expect(r.openGroupOffset()).toBeUndefined();
  });

  it('abandons a group over maxPieces and dead-letters its remaining pieces one by one without holding them', () => {
    const r = new EnvelopeReassembler<string>({ maxPieces: 2 });
    const steps = feed(r, [[4, 0, 'a'], [4, 1, 'b'], [4, 2, 'c'], [4, 3, 'd'], [1, 0, 'next']]);
    expect(steps.map((s) => s.outcome)).toEqual(['pending', 'pending', 'abandoned', 'abandoned', 'completed']);
    expect(steps[2]?.abandoned?.messages.map((m) => m.offset)).toEqual(['0', '1', '2']);
    expect(steps[3]?.abandoned?.messages.map((m) => m.offset)).toEqual(['3']);
    expect(r.metrics.piecesDeadLettered).toBe(4);
    expect(r.metrics.groupsAbandoned).toBe(1);
  });

  it('abandons a group over maxBytes', () => {
    const r = new EnvelopeReassembler<string>({ maxBytes: 3 });
    const steps = feed(r, [[3, 0, 'ab'], [3, 1, 'cd']]);
    expect(steps[1]?.abandoned?.reason).toBe('too-large');
    expect(r.openGroupOffset()).toBeUndefined();
  });
});
