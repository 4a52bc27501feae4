import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * CPU time (user + system) of a process, all its threads included: what a run costs the machine,
 * whatever else the machine is doing. Wall-clock throughput on a shared 2-core machine measures the
 * other sessions as much as the code; CPU time per record does not (up to cache effects).
 */

/** This process's CPU time so far in ms (`process.cpuUsage()`: getrusage, every thread). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 on Linux/x86-64). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`getconf CLK_TCK printed '${text}'`);
    ticksPerSecond = value;
  }
  return ticksPerSecond;
}

/**
 * utime + stime of `/proc/<pid>/stat` in ms. The second field (the command name) may hold spaces and
 * parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStatCpuMs(stat: string, ticks: number): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  // After ") " come field 3 (state) onwards; utime and stime are fields 14 and 15.
  const fields = stat.slice(end + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / ticks;
}

/** Another process's CPU time so far in ms, read from /proc; undefined once it has exited. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
  return parseProcStatCpuMs(stat, clockTicksPerSecond());
}
