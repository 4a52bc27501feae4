import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { READY_PREFIX, RESULT_PREFIX, type BenchJob, type JobResult } from './bench-jobs.js';

const WORKER = fileURLToPath(new URL('./stage-worker.ts', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface StageProcess {
  /** Resolves when the worker printed BENCH_READY (sale-orders: `start()` returned). */
  readonly ready: Promise<void>;
  readonly result: Promise<JobResult>;
  /** Ends the worker if it still runs (SIGTERM to this child only). */
  stop(): void;
}

/** Runs one job in a child `node --import tsx` process; `nodeArgs` e.g. `--cpu-prof`. Its stderr is passed through. */
export function startStageProcess(job: BenchJob, nodeArgs: readonly string[] = []): StageProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', WORKER, JSON.stringify(job)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const result = new Promise<JobResult>((resolve, reject) => {
    let buffered = '';
    let found: JobResult | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(READY_PREFIX)) markReady();
        else if (line.startsWith(RESULT_PREFIX)) found = JSON.parse(line.slice(RESULT_PREFIX.length)) as JobResult;
        else if (line.trim() !== '') process.stderr.write(`[${job.kind}] ${line}\n`);
        newline = buffered.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      markReady();
      if (found !== undefined && code === 0) resolve(found);
      else reject(new Error(`${job.kind} worker exited with ${signal ?? `code ${String(code)}`}${found === undefined ? ' and no result' : ''}`));
    });
  });
  result.catch(() => undefined); // the caller awaits it; this only keeps an early failure from being unhandled
  return {
    ready,
    result,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
