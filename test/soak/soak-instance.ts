import { rm } from 'node:fs/promises';
import { metricTotal, StreamsChild, type ChildExit, type RunChildOptions } from '../support/streams-child.js';

/** An exit nobody asked for: the instance died by itself (the soak restarts it, as a supervisor would). */
export interface UnplannedExit extends ChildExit {
  readonly instance: string;
  readonly log: string;
}

/**
 * One `cdc-streams run` instance of a soak, under a supervisor: the soak kills, restarts and stops it;
 * an exit it did not cause is recorded and the instance started again on the same state dir.
 */
export class SoakInstance {
  private child: StreamsChild;
  private planned = false;
  private retired = false;
  /** The runtime last seen on the current process's /health (its instanceId): a new one means the app replaced it. */
  private lastRuntime: { readonly child: StreamsChild; readonly id: string } | undefined;
  private replaced = 0;

  constructor(
    readonly name: string,
    private readonly options: RunChildOptions,
    private readonly onUnplannedExit: (exit: UnplannedExit) => void,
  ) {
    this.child = this.spawn();
  }

  get process(): StreamsChild {
    return this.child;
  }

  get alive(): boolean {
    return !this.retired;
  }

  /**
   * Times this instance's process started its application again in-process (a new instanceId on
   * /health from the same process): what it does when it lost the broker, instead of exiting. Counted
   * from the /health answers seen (`sampleRuntime`, `waitUntilRunning`).
   */
  get runtimeReplacements(): number {
    return this.replaced;
  }

  /** Reads /health once to notice a replaced runtime; an instance whose ops server does not answer is skipped. */
  async sampleRuntime(): Promise<void> {
    const child = this.child;
    this.noteRuntime(child, await child.health().catch(() => undefined));
  }

  /** SIGKILL, then a restart at once on the same state dir or on an emptied one; resolves once restarted. */
  async killAndRestart(deleteState: boolean): Promise<void> {
    this.planned = true;
    this.child.kill('SIGKILL');
    await this.child.exited;
    if (deleteState) await rm(this.options.stateDir, { recursive: true, force: true });
    this.planned = false;
    this.child = this.spawn();
  }

  /** Leaves the group for good: SIGTERM, which commits and closes (a scale-in). */
  async retire(): Promise<ChildExit> {
    this.retired = true;
    this.planned = true;
    this.child.kill('SIGTERM');
    return this.child.waitForExit(60_000);
  }

  /**
   * Polls `/health` until this process runs at least one task. `joinedMs`: until its ops server answered,
   * which the CLI starts once the application joined the group; `runningMs`: until a task ran (restored
   * and processing). Both from `sinceMs`, across unplanned restarts; undefined when `timeoutMs` passes.
   */
  async waitUntilRunning(sinceMs: number, timeoutMs: number): Promise<{ joinedMs: number | undefined; runningMs: number | undefined }> {
    const deadline = Date.now() + timeoutMs;
    let joinedMs: number | undefined;
    // The current process each time: one that exits by itself meanwhile is replaced by the supervisor.
    while (Date.now() < deadline && !this.retired) {
      const child = this.child;
      const health = await child.health().catch(() => undefined);
      this.noteRuntime(child, health);
      if (health !== undefined) joinedMs ??= Date.now() - sinceMs;
      if ((health?.tasks['RUNNING'] ?? 0) > 0) return { joinedMs, runningMs: Date.now() - sinceMs };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { joinedMs, runningMs: undefined };
  }

  /**
   * After a broker restart an instance's tasks often never leave RUNNING (kafkajs' retries rode the
   * outage out, or the runtime was replaced before the broker answered), so "running" says nothing
   * there: it has recovered once it takes in records again. Milliseconds from `sinceMs` until its
   * records-in count (all input topics) passes what it was when this was called; undefined on timeout.
   * A process started meanwhile (an unplanned exit), or a runtime it started in-process (its counts
   * begin again at zero), counts from zero.
   */
  async waitUntilProgressing(sinceMs: number, timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    const first = this.child;
    const firstRuntime = runtimeId(await first.health().catch(() => undefined));
    const baseline = (await recordsIn(first)) ?? 0;
    while (Date.now() < deadline && !this.retired) {
      const child = this.child;
      const health = await child.health().catch(() => undefined);
      this.noteRuntime(child, health);
      const now = await recordsIn(child);
      const sameRuntime = child === first && firstRuntime !== undefined && runtimeId(health) === firstRuntime;
      if (now !== undefined && now > (sameRuntime ? baseline : 0)) return Date.now() - sinceMs;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return undefined;
  }

  private noteRuntime(child: StreamsChild, health: object | undefined): void {
    const id = runtimeId(health);
    if (id === undefined) return;
    if (this.lastRuntime?.child === child && this.lastRuntime.id !== id) this.replaced += 1;
    this.lastRuntime = { child, id };
  }

  private spawn(): StreamsChild {
    const child = StreamsChild.run(this.options);
    void child.exited.then((exit) => {
      if (this.planned || this.retired || child !== this.child) return;
      this.onUnplannedExit({ ...exit, instance: this.name, log: lastErrorLine(child.recentLog(10)) });
      this.child = this.spawn();
    });
    return child;
  }
}

/** The instance id `/health` reports: a new one each time the process starts a new runtime. */
function runtimeId(health: object | undefined): string | undefined {
  return health !== undefined && 'instanceId' in health && typeof health.instanceId === 'string' ? health.instanceId : undefined;
}

/** Records the process took in so far, over all its input topics (its /metrics); undefined when it does not answer. */
async function recordsIn(child: StreamsChild): Promise<number | undefined> {
  const text = await child.metrics().catch(() => undefined);
  return text === undefined ? undefined : metricTotal(text, 'cdc_streams_records_in_total');
}

/** The CLI's own last word (`cdc-streams: ...`), else the log's last non-empty line. */
function lastErrorLine(log: string): string {
  const lines = log.split('\n').filter((line) => line.trim() !== '');
  return lines.filter((line) => line.startsWith('cdc-streams: ') && !line.includes('resources are still open')).at(-1) ?? lines.at(-1) ?? '(no log)';
}
