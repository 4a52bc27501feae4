import { describe, expect, it } from 'vitest';
import { EarliestDueTimes } from '../../src/processor/earliest-due-times.js';
import { Prng } from '../../src/sim/prng.js';

describe('EarliestDueTimes', () => {
  it('answers Infinity when empty, and again after everything was removed or cleared', () => {
    const due = new EarliestDueTimes();
    expect(due.earliest()).toBe(Infinity);
    due.add(5);
    due.remove(5);
    expect(due.earliest()).toBe(Infinity);
    due.add(7);
    due.clear();
    expect(due.earliest()).toBe(Infinity);
  });

  it('counts a due time added twice: one removal leaves it the earliest', () => {
    const due = new EarliestDueTimes();
    due.add(3);
    due.add(3);
    due.add(9);
    due.remove(3);
    expect(due.earliest()).toBe(3);
    due.remove(3);
    expect(due.earliest()).toBe(9);
  });

  it('ignores the removal of a due time never added', () => {
    const due = new EarliestDueTimes();
    due.add(4);
    due.remove(2);
    expect(due.earliest()).toBe(4);
  });

  it('agrees with the minimum of a plain list over a long random mix of adds and removals', () => {
    const random = new Prng(7);
    const due = new EarliestDueTimes();
    const live: number[] = [];
    for (let step = 0; step < 20_000; step++) {
      const roll = random.next();
      if (roll < 0.5 || live.length === 0) {
        const time = Math.floor(random.next() * 500);
        due.add(time);
        live.push(time);
      } else if (roll < 0.95) {
        const at = Math.floor(random.next() * live.length);
        const [time] = live.splice(at, 1);
        due.remove(time as number);
      } else {
        due.clear();
        live.length = 0;
      }
      expect(due.earliest()).toBe(live.length === 0 ? Infinity : Math.min(...live));
    }
  });
});
