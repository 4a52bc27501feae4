import { describe, expect, it } from 'vitest';
import { HELD_OFFSET_BLOCK, HeldOffsets } from '../../../src/cdc/resequencer/held-offsets.js';

describe('HeldOffsets', () => {
  it('has no first offset while nothing is held', () => {
    expect(new HeldOffsets().first()).toBeUndefined();
  });

  it('points at the start of the block of the oldest held offset, never after it', () => {
    const offsets = new HeldOffsets();
    offsets.add(HELD_OFFSET_BLOCK * 3 + 17);
    offsets.add(HELD_OFFSET_BLOCK * 3 + 900);
    offsets.add(HELD_OFFSET_BLOCK * 7 + 1);
    expect(offsets.first()).toBe(HELD_OFFSET_BLOCK * 3);
    offsets.remove(HELD_OFFSET_BLOCK * 3 + 17);
    // One event of block 3 is still held.
    expect(offsets.first()).toBe(HELD_OFFSET_BLOCK * 3);
    offsets.remove(HELD_OFFSET_BLOCK * 3 + 900);
    expect(offsets.first()).toBe(HELD_OFFSET_BLOCK * 7);
    offsets.remove(HELD_OFFSET_BLOCK * 7 + 1);
    expect(offsets.first()).toBeUndefined();
    expect(offsets.blockCount).toBe(0);
  });

  it('keeps blocks in order when an older offset is added after newer ones (events read again after a restart)', () => {
    const offsets = new HeldOffsets();
    offsets.add(HELD_OFFSET_BLOCK * 9);
    offsets.add(HELD_OFFSET_BLOCK * 5);
    offsets.add(HELD_OFFSET_BLOCK * 7);
    expect(offsets.first()).toBe(HELD_OFFSET_BLOCK * 5);
    offsets.remove(HELD_OFFSET_BLOCK * 5);
    expect(offsets.first()).toBe(HELD_OFFSET_BLOCK * 7);
    expect(offsets.blockCount).toBe(2);
  });

  it('ignores the removal of an offset it never held (an event held by a version that kept none)', () => {
    const offsets = new HeldOffsets();
    offsets.add(10);
    offsets.remove(HELD_OFFSET_BLOCK * 4);
    expect(offsets.first()).toBe(0);
  });
});
