import { describe, expect, it } from 'vitest';
import { planChaos } from './chaos-plan.js';

describe('planChaos', () => {
  const counts = { kills: 32, deletedStateShare: 0.25, brokerRestarts: 2, scale: true };

  it('plans every fault asked for, inside the window, in time order', () => {
    const plan = planChaos(42, counts, 600_000);
    const kinds = (kind: string) => plan.filter((e) => e.kind === kind).length;
    expect([kinds('kill'), kinds('broker-restart'), kinds('add-instance'), kinds('remove-instance')]).toEqual([32, 2, 1, 1]);
    expect(plan.filter((e) => e.kind === 'kill' && e.deleteState)).toHaveLength(8);
    for (const event of plan) expect(event.atMs).toBeGreaterThanOrEqual(0);
    for (const event of plan) expect(event.atMs).toBeLessThanOrEqual(600_000);
    expect(plan.map((e) => e.atMs)).toEqual([...plan.map((e) => e.atMs)].sort((a, b) => a - b));
  });

  it('removes an instance only after adding one', () => {
    for (const seed of [1, 2, 3, 99, 12345]) {
      const plan = planChaos(seed, counts, 600_000);
      expect(plan.findIndex((e) => e.kind === 'add-instance')).toBeLessThan(plan.findIndex((e) => e.kind === 'remove-instance'));
    }
  });

  it('is the same plan for the same seed and another for another seed', () => {
    expect(planChaos(7, counts, 600_000)).toEqual(planChaos(7, counts, 600_000));
    expect(planChaos(8, counts, 600_000)).not.toEqual(planChaos(7, counts, 600_000));
  });

  it('restarts at least one kill on an empty state dir whenever a share is asked for', () => {
    const plan = planChaos(5, { kills: 5, deletedStateShare: 0.05, brokerRestarts: 0, scale: false }, 60_000);
    expect(plan.filter((e) => e.kind === 'kill' && e.deleteState)).toHaveLength(1);
  });
});
