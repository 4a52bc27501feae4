import { describe, expect, it } from 'vitest';
import { CdcStreamsError } from '../../src/common/errors.js';
import { backoffDelay, RetriesExhaustedError, retry } from '../../src/common/retry.js';

class Flaky extends CdcStreamsError {
  constructor() {
    super('temporarily down', { code: 'TEST_FLAKY', retriable: true });
  }
}

describe('retry', () => {
  it('retries a retriable error until the attempt succeeds, sleeping with growing delays', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls += 1;
        if (calls < 4) throw new Flaky();
        return 'done';
      },
      { retries: 5, initialDelayMs: 100, multiplier: 2, jitter: 0, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(result).toBe('done');
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('gives up after the configured retries with a non-retriable error keeping the last failure', async () => {
    const last = new Flaky();
    const failure = retry(async () => Promise.reject(last), { retries: 2, sleep: async () => undefined, operation: 'fetch x' });
    await expect(failure).rejects.toBeInstanceOf(RetriesExhaustedError);
    await failure.catch((error: RetriesExhaustedError) => {
      expect(error.retriable).toBe(false);
      expect(error.attempts).toBe(3);
      expect(error.cause).toBe(last);
      expect(error.message).toContain('fetch x');
    });
  });

  it('never retries a programming error or a non-retriable error', async () => {
    let calls = 0;
    const bug = retry(async () => {
      calls += 1;
      throw new TypeError('x is undefined');
    }, { sleep: async () => undefined });
    await expect(bug).rejects.toBeInstanceOf(TypeError);
    const refused = retry(async () => {
      calls += 1;
      throw new CdcStreamsError('bad request', { code: 'TEST_BAD' });
    }, { sleep: async () => undefined });
    await expect(refused).rejects.toThrow('bad request');
    expect(calls).toBe(2);
  });

  it('keeps jittered delays within +/- jitter of the capped exponential delay', () => {
    expect(backoffDelay(3, { initialDelayMs: 100, multiplier: 2, jitter: 0.2, random: () => 0 })).toBe(640);
    expect(backoffDelay(3, { initialDelayMs: 100, multiplier: 2, jitter: 0.2, random: () => 1 })).toBe(960);
    expect(backoffDelay(20, { initialDelayMs: 100, maxDelayMs: 5000, jitter: 0.2, random: () => 1 })).toBe(5000);
  });
});
