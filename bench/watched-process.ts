import { spawn } from 'node:child_process';
import { CdcStreamsError } from '../src/index.js';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WatchedProcess {
  readonly pid: number;
  /** When it was spawned (epoch ms). */
  readonly startedAt: number;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended and whether it had to be killed. */
  stop(graceMs: number): Promise<ProcessExit & { readonly killed: boolean }>;
}

/** A bench subject's process could not be started (e.g. no `java` on the PATH). */
export class SpawnFailedError extends CdcStreamsError {
  constructor(command: string, cause: unknown) {
    super(`cannot start ${command}: ${cause instanceof Error ? cause.message : String(cause)}`, { code: 'BENCH_SPAWN', cause });
  }
}

/**
 * Starts one bench subject (an engine or the relay) as a child process whose stdout and stderr lines
 * are passed to the bench's stderr prefixed with `[label]`. Only this child is ever signalled.
 */
export async function startWatchedProcess(
  label: string,
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<WatchedProcess> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const startedAt = Date.now();
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new SpawnFailedError(command, error)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new SpawnFailedError(command, 'no pid');
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        if (line.trim() !== '') process.stderr.write(`[${label}] ${line}\n`);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
  }
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    pid,
    startedAt,
    exited,
    stop: async (graceMs) => {
      if (child.exitCode !== null || child.signalCode !== null) return { ...(await exited), killed: false };
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const first = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (first !== 'timeout') return { ...first, killed: false };
      child.kill('SIGKILL');
      return { ...(await exited), killed: true };
    },
  };
}
