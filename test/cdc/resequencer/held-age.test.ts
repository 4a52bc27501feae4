import { describe, expect, it } from 'vitest';
import { HeldAge } from '../../../src/cdc/resequencer/held-age.js';

describe('HeldAge', () => {
  it('ages the oldest held event from when its sequence was first held, and forgets what was released', () => {
    const age = new HeldAge();
    age.heldNewer('s', 10n, 1000);
    age.heldNewer('s', 20n, 2000);
    expect(age.oldestMs('s', 2500)).toBe(1500);
    age.releasedThrough('s', 10n);
    expect(age.oldestMs('s', 2500)).toBe(500);
    age.releasedThrough('s', 20n);
    expect(age.oldestMs('s', 2500)).toBeUndefined();
  });

  it('stays near the real wait under a steady flow whose watermark trails by a few seconds, however long it runs', () => {
    const age = new HeldAge();
    // One new sequence every 300 ms for ten minutes; the watermark trails 20 sequences (6 s) behind.
    let worst = 0;
    for (let seq = 1; seq <= 2000; seq++) {
      const now = seq * 300;
      age.heldNewer('s', BigInt(seq), now);
      if (seq > 20) age.releasedThrough('s', BigInt(seq - 20));
      if (seq > 1000) worst = Math.max(worst, age.oldestMs('s', now)!);
    }
    expect(worst).toBeGreaterThanOrEqual(19 * 300);
    expect(worst).toBeLessThanOrEqual(21 * 300);
  });

  it('coarsens instead of forgetting when far more is held than it keeps notes for', () => {
    const age = new HeldAge();
    for (let seq = 1; seq <= 1000; seq++) age.heldNewer('s', BigInt(seq), seq * 1000);
    expect(age.oldestMs('s', 1000 * 1000)).toBe(999 * 1000);
    age.releasedThrough('s', 500n);
    const oldest = age.oldestMs('s', 1000 * 1000)!;
    // The oldest still held is sequence 501, first held at 501 s: 499 s ago, give or take a merged gap.
    expect(oldest).toBeGreaterThanOrEqual(499 * 1000);
    expect(oldest).toBeLessThanOrEqual(499 * 1000 + 64 * 1000);
  });
});
