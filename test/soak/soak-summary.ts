import { formatVerification } from '../../src/sim/index.js';
import type { Recovery, SoakReport } from './soak-run.js';

/** What a soak must have done and found; each unmet one is a line of the failure. */
export interface SoakRequirements {
  readonly kills: number;
  readonly killsWithEmptyStateDir: number;
  readonly brokerRestarts: number;
  readonly instancesAdded: number;
  readonly instancesRemoved: number;
  readonly partitionIncreases: number;
  /**
   * Instances that may exit by themselves after a broker restart (until the next fault; the supervisor
   * restarts them); none when absent: an instance rides out a broker restart in-process.
   */
  readonly maxExitsAfterBrokerRestarts?: number;
}

/**
 * The unmet requirements: faults injected fewer times than asked, instances that exited by themselves
 * (a broker restart is ridden out in-process), and any lost, doubled or disordered event.
 */
export function soakFailures(report: SoakReport, required: SoakRequirements): string[] {
  const failures: string[] = [];
  const { maxExitsAfterBrokerRestarts = 0, ...faults } = required;
  for (const [fault, count] of Object.entries(faults) as Array<[keyof typeof faults, number]>) {
    if (report.injected[fault] < count) failures.push(`${fault}: ${report.injected[fault]} injected, ${count} required`);
  }
  const afterRestarts = report.unplannedExits.filter((x) => x.afterBrokerRestart);
  if (afterRestarts.length > maxExitsAfterBrokerRestarts) {
    failures.push(
      `${afterRestarts.length} instances exited after a broker restart (at most ${maxExitsAfterBrokerRestarts} allowed): ${afterRestarts.map((x) => `${x.instance}: ${x.log}`).join('; ')}`,
    );
  }
  const e = report.verification.events;
  if (e.missing > 0) failures.push(`${e.missing} events lost`);
  if (e.duplicated > 0) failures.push(`${e.duplicated} events duplicated`);
  if (e.outOfOrder > 0) failures.push(`${e.outOfOrder} events out of order`);
  if (!report.verification.ok) failures.push('the output does not match the ground truth');
  return failures;
}

/** min / median / p90 / max of the recoveries of one cause, in seconds. */
function spread(recoveries: readonly Recovery[], phase: 'ms' | 'joinedMs' = 'ms'): string {
  const ms = recoveries.map((r) => r[phase]).filter((m) => m !== undefined).sort((a, b) => a - b);
  const never = recoveries.length - ms.length;
  if (ms.length === 0) return never === 0 ? '-' : `${never} never`;
  const at = (q: number): string => ((ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0) / 1000).toFixed(1);
  return `n=${recoveries.length} min ${at(0)} s, median ${at(0.5)} s, p90 ${at(0.9)} s, max ${((ms.at(-1) ?? 0) / 1000).toFixed(1)} s${never > 0 ? `, ${never} never` : ''}`;
}

export function formatSoakReport(report: SoakReport): string {
  const i = report.injected;
  const byCause = (cause: Recovery['cause']): Recovery[] => report.recoveries.filter((r) => r.cause === cause);
  return [
    `seed ${report.seed} (replay with --seed ${report.seed}); ${report.options.orders} orders, ${report.inputMessages} input messages written over ${report.options.writeSeconds} s; ${(report.durationMs / 1000).toFixed(0)} s in all`,
    `faults injected: ${i.kills} SIGKILLs (${i.killsWithEmptyStateDir} restarted on an empty state dir), ${i.brokerRestarts} broker restarts, ${i.instancesAdded} instance added, ${i.instancesRemoved} removed, ${i.partitionIncreases} partition increase (${report.options.partitions.from} -> ${report.options.partitions.to})`,
    `unplanned exits (restarted by the soak, as a supervisor would): ${report.unplannedExits.length}, ${report.unplannedExits.filter((x) => x.afterBrokerRestart).length} after a broker restart${report.unplannedExits.map((x) => `\n  ${x.instance}${x.afterBrokerRestart ? ' (after a broker restart)' : ''}: ${x.signal ?? `code ${String(x.code)}`}: ${x.log}`).join('')}`,
    `runtimes replaced in-process after losing the broker: ${report.runtimeReplacements}`,
    `writer retries after a lost connection: ${report.writeRetries}; broker down ${report.brokerDownMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ') || '-'}`,
    'restart -> tasks running:',
    `  after a SIGKILL, same state dir:   ${spread(byCause('kill'))}`,
    `    (of which until joined:          ${spread(byCause('kill'), 'joinedMs')})`,
    `  after a SIGKILL, empty state dir:  ${spread(byCause('kill, empty state dir'))}`,
    `  after a broker restart, until records come in again (per instance): ${spread(byCause('broker restart'))}`,
    `  an added instance:                 ${spread(byCause('added'))}`,
    formatVerification(report.verification),
    ...(report.problemsFile === undefined ? [] : [`the problem orders' output records (when each was written) and the run's log: ${report.problemsFile}`]),
  ].join('\n');
}
