import { describe, expect, it } from 'vitest';
import { TaskScheduler } from '../../src/runtime/task-scheduler.js';

/** A job that records when it starts and ends, and finishes when the test says so. */
function controllable(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    job: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskScheduler', () => {
  it('runs shared jobs side by side, and an exclusive job only after them and before later shared jobs', async () => {
    const scheduler = new TaskScheduler();
    const log: string[] = [];
    const a = controllable(log, 'a');
    const b = controllable(log, 'b');
    const commit = controllable(log, 'commit');
    const c = controllable(log, 'c');
    const runs = [scheduler.shared(a.job), scheduler.shared(b.job), scheduler.exclusive(commit.job), scheduler.shared(c.job)];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    a.finish();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end a']);
    b.finish();
    await tick();
    expect(log.slice(3)).toEqual(['end b', 'start commit']);
    commit.finish();
    await tick();
    c.finish();
    await Promise.all(runs);
    expect(log.slice(5)).toEqual(['end commit', 'start c', 'end c']);
  });

  it('reports a failed job to its caller and keeps running the others; idle resolves when all are done', async () => {
    const scheduler = new TaskScheduler();
    const failed = scheduler.exclusive(async () => {
      throw new Error('boom');
    });
    const after = scheduler.shared(async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBe('ok');
    await scheduler.idle();
    expect(scheduler.pending).toBe(0);
  });
});
