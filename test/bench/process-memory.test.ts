import { describe, expect, it } from 'vitest';
import { parseProcStatusMemory, ProcessMemorySampler } from '../../bench/process-memory.js';

const STATUS = `Name:\tjava
State:\tS (sleeping)
VmPeak:\t 9000000 kB
VmHWM:\t  512000 kB
VmRSS:\t  256000 kB
Threads:\t40
`;

describe('process memory', () => {
  it('reads the current and the peak resident set size from /proc/<pid>/status', () => {
    expect(parseProcStatusMemory(STATUS)).toEqual({ rssKb: 256_000, hwmKb: 512_000 });
  });

  it('has nothing to report for a process without memory fields (a zombie)', () => {
    expect(parseProcStatusMemory('Name:\tjava\nState:\tZ (zombie)\n')).toBeUndefined();
  });

  it('samples a live process', async () => {
    const sampler = new ProcessMemorySampler(process.pid, 10);
    const peak = await sampler.peakMb();
    sampler.stop();
    expect(peak).toBeGreaterThanOrEqual(Math.floor(process.memoryUsage().rss / 1048576 / 2));
  });
});
