import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SourceMetadataRefresher } from '../../../src/runtime/kafka/source-metadata-refresher.js';

const IDLE_MS = 200;
const ON_INPUT_MS = 50;

/** A read that stays in flight until the test ends it. */
function setup() {
  const starts: number[] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const errors: unknown[] = [];
  const refresher = new SourceMetadataRefresher(
    () =>
      new Promise<void>((resolve, reject) => {
        starts.push(Date.now());
        pending.push({ resolve, reject });
      }),
    { idleMs: IDLE_MS, onInputMs: ON_INPUT_MS, onError: (error) => errors.push(error) },
  );
  const finishRead = async () => {
    pending.shift()?.resolve();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { refresher, starts, pending, errors, finishRead };
}

describe('SourceMetadataRefresher', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads at once after a processed input batch, without waiting for the idle cadence', async () => {
    const { refresher, starts, finishRead } = setup();
    refresher.tick();
    await finishRead();
    await vi.advanceTimersByTimeAsync(ON_INPUT_MS);
    refresher.inputProcessed();
    expect(starts).toEqual([1_000_000, 1_000_000 + ON_INPUT_MS]);
  });

  it('keeps one read at a time, and starts the read input waits for as soon as the one in flight returns', async () => {
    const { refresher, starts, finishRead } = setup();
    refresher.inputProcessed();
    await vi.advanceTimersByTimeAsync(50);
    refresher.inputProcessed();
    refresher.inputProcessed();
    refresher.tick();
    expect(starts).toHaveLength(1);
    await finishRead();
    expect(starts).toEqual([1_000_000, 1_000_050]);
  });

  it('spaces reads after input by the input gap, reading when the gap ends rather than at the next tick', async () => {
    const { refresher, starts, finishRead } = setup();
    refresher.inputProcessed();
    await vi.advanceTimersByTimeAsync(5);
    await finishRead();
    refresher.inputProcessed();
    expect(starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(ON_INPUT_MS - 5);
    expect(starts).toEqual([1_000_000, 1_000_000 + ON_INPUT_MS]);
  });

  it('reads only at the idle cadence while no input arrives', async () => {
    const { refresher, starts, finishRead } = setup();
    for (let t = 0; t < 1000; t += 100) {
      refresher.tick();
      await finishRead();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(starts.map((s) => s - 1_000_000)).toEqual([0, 200, 400, 600, 800]);
  });

  it('passes a failed read on and reads again at the next occasion', async () => {
    const { refresher, starts, pending, errors } = setup();
    refresher.inputProcessed();
    pending.shift()?.reject(new Error('broker gone'));
    await vi.advanceTimersByTimeAsync(ON_INPUT_MS);
    expect(errors).toEqual([new Error('broker gone')]);
    refresher.inputProcessed();
    expect(starts).toHaveLength(2);
  });

  it('starts nothing once closed, and close waits for the read in flight', async () => {
    const { refresher, starts, finishRead } = setup();
    refresher.inputProcessed();
    refresher.inputProcessed();
    let closed = false;
    const closing = refresher.close().then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    await finishRead();
    await closing;
    refresher.inputProcessed();
    refresher.tick();
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(starts).toHaveLength(1);
  });
});
