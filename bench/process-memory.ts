import { readFile } from 'node:fs/promises';

/** Resident set size now (VmRSS) and the kernel's high-water mark of it (VmHWM), in KiB. */
export interface ProcessMemory {
  readonly rssKb: number;
  readonly hwmKb: number;
}

/** Parses `/proc/<pid>/status`; undefined when a field is missing (a zombie has none). */
export function parseProcStatusMemory(status: string): ProcessMemory | undefined {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const rssKb = field('VmRSS');
  const hwmKb = field('VmHWM');
  return rssKb === undefined || hwmKb === undefined ? undefined : { rssKb, hwmKb };
}

/**
 * Watches another process's memory from outside, the same way for a JVM as for Node: samples
 * `/proc/<pid>/status` every `everyMs`. The peak is the largest VmHWM read, which the kernel keeps
 * between samples, so a short spike is not missed. Read `peakMb()` before the process exits.
 */
export class ProcessMemorySampler {
  private peakKb = 0;
  private readonly timer: NodeJS.Timeout;
  private sampling: Promise<void> | undefined;
  /** A failed read of /proc other than the process being gone; peakMb() throws it. */
  private failure: unknown;

  constructor(
    private readonly pid: number,
    everyMs = 200,
  ) {
    this.timer = setInterval(() => {
      this.sampling ??= this.sample()
        .catch((error: unknown) => {
          this.failure ??= error;
        })
        .finally(() => {
          this.sampling = undefined;
        });
    }, everyMs);
    this.timer.unref();
  }

  /** Takes one more sample and returns the peak so far in MB (MiB). */
  async peakMb(): Promise<number> {
    await this.sampling;
    if (this.failure !== undefined) throw this.failure;
    await this.sample();
    return Math.round(this.peakKb / 1024);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    let status: string;
    try {
      status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    } catch (error) {
      // The process has exited: its last peak stays what was read before.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw error;
    }
    const memory = parseProcStatusMemory(status);
    if (memory !== undefined) this.peakKb = Math.max(this.peakKb, memory.hwmKb, memory.rssKb);
  }
}
