import { describe, expect, it } from 'vitest';
import { ownCpuMs, parseProcStatCpuMs, processCpuMs } from '../../bench/process-cpu.js';

describe('process CPU time', () => {
  it('adds utime and stime of /proc/<pid>/stat, in clock ticks, as ms', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 56 0 0 20 0 11 0 500 0 0';
    expect(parseProcStatCpuMs(stat, 100)).toBe(12_900);
  });

  it('counts fields from the last parenthesis, so a command name with spaces and parentheses does not shift them', () => {
    const stat = '77 (a b) (c)) R 1 77 77 0 -1 0 0 0 0 0 7 3 0 0';
    expect(parseProcStatCpuMs(stat, 100)).toBe(100);
  });

  it('has nothing to report for a line without a command name', () => {
    expect(parseProcStatCpuMs('garbage', 100)).toBeUndefined();
  });

  it('reads a live process from outside as its own cpuUsage sees it', async () => {
    const end = Date.now() + 30;
    while (Date.now() < end); // burn a little CPU so both clocks have moved
    const outside = await processCpuMs(process.pid);
    expect(outside).toBeDefined();
    // /proc counts whole clock ticks (10 ms): it can only be behind the finer getrusage figure.
    expect(outside as number).toBeLessThanOrEqual(ownCpuMs() + 10);
    expect(outside as number).toBeGreaterThan(0);
  });
});
