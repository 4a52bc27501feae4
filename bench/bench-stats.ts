import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

/** Median with the range of the repetitions: what every figure in docs/benchmarks.md reports. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[rank] as number;
}

/** The 1-minute load average, to print next to each figure (the machine is shared). */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `median (min–max)`. */
export function formatSummary(s: Summary, digits = 0): string {
  if (s.n === 0) return 'n/a';
  if (s.n === 1) return `${formatNumber(s.median, digits)} (1 run)`;
  return `${formatNumber(s.median, digits)} (${formatNumber(s.min, digits)}–${formatNumber(s.max, digits)})`;
}

export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memory: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  let memory: string;
  try {
    const free = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n').find((line) => line.startsWith('Mem:'));
    const swap = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n').find((line) => line.startsWith('Swap:'));
    memory = `${free?.split(/\s+/)[1] ?? '?'} total, swap ${swap?.split(/\s+/)[1] ?? '?'}`;
  } catch (error) {
    memory = `free -h failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch (error) {
    process.stderr.write(`nproc failed, using os.cpus(): ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return { nproc, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memory, node: process.version };
}
