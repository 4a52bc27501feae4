import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI child runs from there, as `node --import tsx src/cli/main.ts`. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunChildOptions {
  /** Topology file, relative to the repository root. */
  readonly topology: string;
  readonly brokers: string;
  readonly applicationId: string;
  readonly stateDir: string;
  readonly guarantee: 'at_least_once' | 'exactly_once';
  /** `--set key=value` parameters. */
  readonly params: Readonly<Record<string, string>>;
  /** More `run` flags, e.g. `['--http-port', '0']`. */
  readonly extraArgs?: readonly string[];
  /** Flags for node itself, e.g. `['--max-old-space-size=160']`. */
  readonly nodeArgs?: readonly string[];
}

const running = new Set<StreamsChild>();

/**
 * `cdc-streams run <topology>` in a child process, the way an operator runs it: signals go to the
 * real process, its exit code is the CLI's. The last lines of its stderr (the log) are kept for
 * failure messages.
 */
export class StreamsChild {
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | undefined;
  private readonly log: string[] = [];
  private partial = '';
  private opsUrl: string | undefined;

  private constructor(private readonly child: ChildProcess) {
    running.add(this);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        resolve(this.exit);
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (this.opsUrl === undefined && line.includes('ops server listening')) this.opsUrl = opsUrlOf(line);
      this.log.push(...lines);
      if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
    });
  }

  static run(options: RunChildOptions): StreamsChild {
    const args = [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      'src/cli/main.ts',
      'run',
      options.topology,
      '--brokers',
      options.brokers,
      '--application-id',
      options.applicationId,
      '--state-dir',
      options.stateDir,
      '--guarantee',
      options.guarantee,
      '--log-level',
      'info',
      ...Object.entries(options.params).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
      ...(options.extraArgs ?? []),
    ];
    // The child's configuration is its flags alone: a registry named in the test runner's environment
    // (used to start the suite's own) must not change what the application writes.
    const env = { ...process.env };
    delete env['SCHEMA_REGISTRY_URL'];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env });
    return new StreamsChild(child);
  }

  /** Kills every child a test left running (afterEach), so a failed test leaves no process behind. */
  static async killAll(): Promise<void> {
    await Promise.all(
      [...running].map(async (c) => {
        c.kill('SIGKILL');
        await c.exited;
      }),
    );
  }

  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error('the child process did not start');
    return pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }

  /** The child's recent log, for failure messages. */
  recentLog(lines = 40): string {
    return [...this.log, this.partial].slice(-lines).join('\n');
  }

  /** Waits for the exit; fails if it has not come within `deadlineMs` (the child is then killed). */
  async waitForExit(deadlineMs: number): Promise<ChildExit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.kill('SIGKILL');
        reject(new Error(`the child did not exit within ${deadlineMs} ms; its log ends with:\n${this.recentLog()}`));
      }, deadlineMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The ops server's `/metrics` text; undefined until the server is listening (run with `--http-port`). */
  async metrics(): Promise<string | undefined> {
    if (this.opsUrl === undefined) return undefined;
    const response = await fetch(`${this.opsUrl}/metrics`);
    if (!response.ok) throw new Error(`GET ${this.opsUrl}/metrics answered ${response.status}`);
    return response.text();
  }

  /** JSON from the ops server (e.g. `/api/tasks`); undefined until it is listening. */
  async json(path: string): Promise<unknown> {
    if (this.opsUrl === undefined) return undefined;
    const response = await fetch(`${this.opsUrl}${path}`);
    if (!response.ok) throw new Error(`GET ${this.opsUrl}${path} answered ${response.status}`);
    return response.json();
  }

  /**
   * `/health` as JSON, whatever its status (503 while rebalancing or restoring); undefined until the
   * ops server is listening.
   */
  async health(): Promise<{ state: string; tasks: Record<string, number> } | undefined> {
    if (this.opsUrl === undefined) return undefined;
    const response = await fetch(`${this.opsUrl}/health`);
    return (await response.json()) as { state: string; tasks: Record<string, number> };
  }

  /** The threads the child's tasks run in, from its dashboard API (`main`, `stream-thread-<n>`). */
  async taskThreads(): Promise<string[]> {
    const panel = (await this.json('/api/tasks')) as { tasks: Array<{ thread: string }> } | undefined;
    return [...new Set((panel?.tasks ?? []).map((t) => t.thread))].sort();
  }

  /** The resident set size now, from /proc (Linux). */
  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    if (kb === undefined) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(kb) * 1024;
  }
}

function opsUrlOf(line: string): string {
  const parsed: unknown = JSON.parse(line);
  const url = typeof parsed === 'object' && parsed !== null && 'url' in parsed ? parsed.url : undefined;
  if (typeof url !== 'string') throw new Error(`no url in the log line '${line}'`);
  return url;
}

/**
 * The value of one Prometheus sample in `/metrics` text, e.g. `metricValue(text,
 * 'cdc_streams_records_in_total', 'topic="orders"')`; undefined when there is no such sample.
 */
export function metricValue(text: string, name: string, labels?: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    const match = /^(?:\{([^}]*)\})? (\S+)$/.exec(rest);
    if (match === null) continue;
    if (labels !== undefined && !(match[1] ?? '').split(',').includes(labels)) continue;
    return Number(match[2]);
  }
  return undefined;
}

/** The sum of a metric over all its label sets (e.g. records in over every input topic); 0 when absent. */
export function metricTotal(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^(?:\{[^}]*\})? (\S+)$/.exec(line.slice(name.length));
    if (match !== null) total += Number(match[1]);
  }
  return total;
}

/**
 * Polls `check` until it returns a value other than undefined. Fails after `timeoutMs`, or at once if
 * `child` exits meanwhile (with its log), so a crashed app does not look like a slow one.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { readonly timeoutMs: number; readonly intervalMs?: number; readonly child?: StreamsChild },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (options.child?.hasExited) throw new Error(`the child exited while waiting for ${what}; its log ends with:\n${options.child.recentLog()}`);
    if (Date.now() > deadline) {
      const log = options.child === undefined ? '' : `; the child's log ends with:\n${options.child.recentLog()}`;
      throw new Error(`gave up waiting for ${what} after ${options.timeoutMs} ms${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

export function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}
