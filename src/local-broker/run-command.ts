import { spawn } from 'node:child_process';

export interface CommandResult {
  /** null when the command could not be started (not installed) or was killed on timeout. */
  readonly exitCode: number | null;
  readonly output: string;
  readonly timedOut: boolean;
  /** Set when the executable could not be started at all, e.g. ENOENT. */
  readonly spawnError?: Error;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * Runs a short-lived command to completion, keeping the last 64 KiB of its combined output for error
 * messages. Never rejects: callers decide what a failure means (a missing `docker` is not an error).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; cwd?: string },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, output, timedOut, spawnError: error });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: timedOut ? null : code, output, timedOut });
    });
  });
}

/** True when `command args` exits 0 within the timeout: "is this tool installed and working". */
export async function commandSucceeds(command: string, args: readonly string[], timeoutMs: number): Promise<boolean> {
  const result = await runCommand(command, args, { timeoutMs });
  return result.exitCode === 0;
}

/** The last `lines` lines of a text, for error messages. */
export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
