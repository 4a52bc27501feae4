import { describe, expect, it } from 'vitest';
import { testSeed } from '../serde/seeded-random.js';
import { formatSoakReport, soakFailures } from '../soak/soak-summary.js';
import { runSoak } from '../soak/soak-run.js';

/**
 * The short chaos soak (docs/reliability.md; `npm run soak` is the long one): a flash sale written over
 * a minute while two sale-orders instances run with exactly_once, on a broker of the test's own so it
 * can be restarted. Five SIGKILLs with immediate restarts (one on an emptied state dir), one broker
 * restart on the same data and one partition increase of the input, at times drawn from the printed
 * seed. Every fault must have happened, no instance may have exited by itself after the broker restart
 * (it starts a new runtime in-process instead), and the read_committed output must be the ground
 * truth: nothing lost, doubled or out of order.
 */
describe('chaos soak, short: kills, a broker restart and partition growth under exactly_once', () => {
  it('injects every fault and the output is exactly the ground truth', { timeout: 420_000 }, async () => {
    const seed = testSeed('chaos-soak-stays-exact');
    const report = await runSoak({
      seed,
      orders: 600,
      instances: 2,
      writeSeconds: 60,
      chaos: { kills: 5, deletedStateShare: 0.2, brokerRestarts: 1, scale: false },
      partitions: { from: 4, to: 8 },
      drainTimeoutMs: 180_000,
      log: (line) => console.log(`[soak] ${line}`),
    });
    const text = formatSoakReport(report);
    console.log(text);
    const failures = soakFailures(report, {
      kills: 5,
      killsWithEmptyStateDir: 1,
      brokerRestarts: 1,
      instancesAdded: 0,
      instancesRemoved: 0,
      partitionIncreases: 1,
    });
    expect(failures, text).toEqual([]);
  });
});
