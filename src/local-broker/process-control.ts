import { readFile } from 'node:fs/promises';
import { runCommand } from './run-command.js';

function errorCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}

/** Signal 0 checks existence; EPERM means it exists but belongs to someone else. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return false;
    if (errorCode(error) === 'EPERM') return true;
    throw error;
  }
}

/** Sends a signal unless the process is already gone. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (errorCode(error) !== 'ESRCH') throw error;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * SIGTERM lets the broker close its logs cleanly; after `graceMs` it gets SIGKILL. Resolves once the
 * process is gone, rejects if even SIGKILL did not end it.
 */
export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  if (await waitForExit(pid, 5_000)) return;
  throw new Error(`process ${pid} is still alive after SIGKILL`);
}

/**
 * The command line of a running process, to check a recorded pid still is our broker before killing
 * it (pids are reused). Linux has /proc; elsewhere `ps` answers.
 */
export async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').join(' ').trim();
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  const result = await runCommand('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { timeoutMs: 5_000 });
  return result.exitCode === 0 ? result.output.trim() : undefined;
}
