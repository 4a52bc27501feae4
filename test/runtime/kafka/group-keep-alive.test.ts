import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import { withGroupKeepAlive } from '../../../src/runtime/kafka/group-keep-alive.js';
import { recordingLogger } from '../../support/recording-logger.js';

describe('withGroupKeepAlive', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Work that ends when the test says so. */
  function longWork(): { work: () => Promise<string>; finish: () => void } {
    let finish: () => void = () => undefined;
    const done = new Promise<string>((resolve) => {
      finish = () => resolve('done');
    });
    return { work: () => done, finish };
  }

  it('offers heartbeats while a long batch runs and none once it is done', async () => {
    const heartbeat = vi.fn(() => Promise.resolve());
    const { work, finish } = longWork();
    const running = withGroupKeepAlive(heartbeat, silentLogger, work);
    await vi.advanceTimersByTimeAsync(12_000);
    const during = heartbeat.mock.calls.length;
    expect(during).toBeGreaterThanOrEqual(10);
    finish();
    await expect(running).resolves.toBe('done');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(heartbeat.mock.calls.length).toBe(during);
  });

  it('keeps heartbeating through "rebalance in progress" answers, which keep the session alive', async () => {
    const rebalancing = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    const heartbeat = vi.fn(() => Promise.reject(rebalancing));
    const logger = recordingLogger();
    const { work, finish } = longWork();
    const running = withGroupKeepAlive(heartbeat, logger, work);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(heartbeat.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(logger.lines.filter((e) => e.level === 'warn')).toEqual([]);
    finish();
    await running;
  });

  it('warns once, not per heartbeat, when heartbeats fail for another reason', async () => {
    const heartbeat = vi.fn(() => Promise.reject(new Error('Connection error: connect ECONNREFUSED')));
    const logger = recordingLogger();
    const { work, finish } = longWork();
    const running = withGroupKeepAlive(heartbeat, logger, work);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(logger.lines.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual(['a heartbeat during a long batch failed; retrying while the batch runs']);
    finish();
    await running;
  });

  it("passes the batch's failure through and stops heartbeating", async () => {
    const heartbeat = vi.fn(() => Promise.resolve());
    await expect(withGroupKeepAlive(heartbeat, silentLogger, () => Promise.reject(new Error('processing failed')))).rejects.toThrow('processing failed');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(heartbeat).not.toHaveBeenCalled();
  });
});
