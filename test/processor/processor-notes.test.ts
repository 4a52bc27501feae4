import { describe, expect, it } from 'vitest';
import { RecentNotes } from '../../src/processor/processor-notes.js';

const note = (n: number) => ({ at: n, kind: 'late', message: `note ${n}` });

describe('RecentNotes', () => {
  it('keeps every note, oldest first, until the capacity is reached', () => {
    const notes = new RecentNotes(3);
    notes.add(note(1));
    notes.add(note(2));
    expect(notes.list().map((n) => n.at)).toEqual([1, 2]);
  });

  it('keeps only the last notes once full, still oldest first', () => {
    const notes = new RecentNotes(3);
    for (let n = 1; n <= 7; n++) notes.add(note(n));
    expect(notes.list().map((n) => n.at)).toEqual([5, 6, 7]);
  });
});
