import { parseArgs } from 'node:util';
import { formatSoakReport, soakFailures } from './soak-summary.js';
import { runSoak } from './soak-run.js';

/**
 * `npm run soak`: the long chaos soak of docs/reliability.md. Prints its seed first and a report at the
 * end; exits 1 when a required fault was not injected as often as asked or the output is not exact.
 * `--seed <n>` replays a run; the other flags size it.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    orders: { type: 'string', default: '8000' },
    instances: { type: 'string', default: '3' },
    'write-seconds': { type: 'string', default: '720' },
    kills: { type: 'string', default: '32' },
    'broker-restarts': { type: 'string', default: '2' },
    'session-timeout-ms': { type: 'string' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const kills = Number(values.kills);
const brokerRestarts = Number(values['broker-restarts']);
console.log(`soak: seed ${seed}`);
const report = await runSoak({
  seed,
  orders: Number(values.orders),
  instances: Number(values.instances),
  writeSeconds: Number(values['write-seconds']),
  chaos: { kills, deletedStateShare: 0.25, brokerRestarts, scale: true },
  partitions: { from: 4, to: 8 },
  ...(values['session-timeout-ms'] === undefined ? {} : { sessionTimeoutMs: Number(values['session-timeout-ms']) }),
  drainTimeoutMs: 600_000,
  log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
});
console.log(formatSoakReport(report));
const failures = soakFailures(report, {
  kills,
  killsWithEmptyStateDir: 1,
  brokerRestarts,
  instancesAdded: 1,
  instancesRemoved: 1,
  partitionIncreases: 1,
});
if (failures.length > 0) {
  console.log(`soak FAILED (seed ${seed}):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log(`soak passed (seed ${seed})`);
}
