import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeTimerKey, TimerError } from '../../src/processor/timer-key.js';
import { TimerService, type Timer } from '../../src/processor/timer-service.js';
import type { Serde } from '../../src/serde/serde.js';
import { bytesSerde } from '../../src/serde/bytes-serde.js';
import { openStore } from '../../src/state/store-factory.js';
import { withTempDir } from '../state/store-test-helpers.js';

interface Deadline {
  readonly orderId: string;
}

const deadlineSerde: Serde<Deadline> = {
  name: 'json',
  serialize: (value) => Buffer.from(JSON.stringify(value)),
  deserialize: (data) => JSON.parse(data.toString('utf8')) as Deadline,
};

async function inMemoryTimers(): Promise<TimerService<Deadline>> {
  const store = await openStore({ name: 'payment-deadlines', kind: 'in-memory', keySerde: bytesSerde, valueSerde: bytesSerde });
  return new TimerService(store, deadlineSerde);
}

function describeFired(timers: ReadonlyArray<Timer<Deadline>>): string[] {
  return timers.map((t) => `${t.dueTime}:${t.key}:${t.payload.orderId}`);
}

describe('TimerService', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('after a scan, a watermark still below the earliest deadline fires nothing without reading the store', async () => {
    const store = await openStore({ name: 'payment-deadlines', kind: 'in-memory', keySerde: bytesSerde, valueSerde: bytesSerde });
    const timers = new TimerService(store, deadlineSerde);
    timers.register(5_000, 'o-5', { orderId: '5' });
    const fired: Array<Timer<Deadline>> = [];
    expect(await timers.fireDue(1_000, (t) => void fired.push(t))).toBe(0);
    const range = vi.spyOn(store, 'range');
    expect(await timers.fireDue(2_000, (t) => void fired.push(t))).toBe(0);
    expect(await timers.fireDue(4_999, (t) => void fired.push(t))).toBe(0);
    expect(range).not.toHaveBeenCalled();
    expect(await timers.fireDue(5_000, (t) => void fired.push(t))).toBe(1);
    expect(describeFired(fired)).toEqual(['5000:o-5:5']);
  });

  it('a timer registered and cancelled since the last scan does not make the next watermark read the store', async () => {
    const store = await openStore({ name: 'payment-deadlines', kind: 'in-memory', keySerde: bytesSerde, valueSerde: bytesSerde });
    const timers = new TimerService(store, deadlineSerde);
    timers.register(5_000, 'o-5', { orderId: '5' });
    await timers.fireDue(1_000, () => undefined);
    timers.register(1_500, 'pairing', { orderId: 'p' });
    timers.cancel(1_500, 'pairing');
    const range = vi.spyOn(store, 'range');
    expect(await timers.fireDue(2_000, () => undefined)).toBe(0);
    expect(range).not.toHaveBeenCalled();
  });

  it('a later call starts its scan at the earliest timer left, not at the timers fired since the last commit', async () => {
    const store = await openStore({ name: 'payment-deadlines', kind: 'in-memory', keySerde: bytesSerde, valueSerde: bytesSerde });
    const timers = new TimerService(store, deadlineSerde);
    for (let i = 1; i <= 100; i++) timers.register(i * 1_000, `o-${i}`, { orderId: String(i) });
    // Flushed, as a commit would: the fired timers' deletes stay buffered and would shadow stored entries.
    await store.flush();
    const fired: Array<Timer<Deadline>> = [];
    expect(await timers.fireDue(50_000, (t) => void fired.push(t))).toBe(50);
    const range = vi.spyOn(store, 'range');
    expect(await timers.fireDue(52_000, (t) => void fired.push(t))).toBe(2);
    const starts = range.mock.calls.map(([options]) => options?.from);
    expect(starts[0]).toEqual(encodeTimerKey(51_000, ''));
    for (const from of starts) expect(Buffer.compare(from ?? Buffer.alloc(0), encodeTimerKey(51_000, ''))).toBeGreaterThanOrEqual(0);
    timers.register(10_500, 'late', { orderId: 'late' });
    expect(await timers.fireDue(53_000, (t) => void fired.push(t))).toBe(2);
    expect(describeFired(fired).slice(50)).toEqual(['51000:o-51:51', '52000:o-52:52', '10500:late:late', '53000:o-53:53']);
  });

  it('a callback that cancels its own timer does not make the call read the due timers again', async () => {
    const store = await openStore({ name: 'payment-deadlines', kind: 'in-memory', keySerde: bytesSerde, valueSerde: bytesSerde });
    const timers = new TimerService(store, deadlineSerde);
    for (let i = 1; i <= 100; i++) timers.register(i * 1_000, `o-${i}`, { orderId: String(i) });
    await store.flush();
    const range = vi.spyOn(store, 'range');
    const fired: Array<Timer<Deadline>> = [];
    const count = await timers.fireDue(100_000, (t) => {
      fired.push(t);
      timers.cancel(t.dueTime, t.key);
    });
    expect(count).toBe(100);
    expect(fired.map((t) => t.key)).toEqual(Array.from({ length: 100 }, (_, i) => `o-${i + 1}`));
    // One slice and the empty scan that ends the call; not a scan per fired timer.
    expect(range).toHaveBeenCalledTimes(2);
  });

  it('a timer registered before the known earliest deadline, even in the past, fires at the next call that reaches it', async () => {
    const timers = await inMemoryTimers();
    timers.register(5_000, 'o-5', { orderId: '5' });
    const fired: Array<Timer<Deadline>> = [];
    await timers.fireDue(3_000, (t) => void fired.push(t));
    timers.register(2_000, 'o-late', { orderId: 'late' });
    timers.register(4_000, 'o-4', { orderId: '4' });
    expect(await timers.fireDue(3_500, (t) => void fired.push(t))).toBe(1);
    expect(await timers.fireDue(4_000, (t) => void fired.push(t))).toBe(1);
    expect(describeFired(fired)).toEqual(['2000:o-late:late', '4000:o-4:4']);
  });

  it('fires the timers due by upTo in due order, then key order, and keeps the rest', async () => {
    const timers = await inMemoryTimers();
    timers.register(3_000, 'o-3', { orderId: '3' });
    timers.register(1_000, 'o-b', { orderId: 'b' });
    timers.register(2 ** 33, 'o-far', { orderId: 'far' });
    timers.register(1_000, 'o-a', { orderId: 'a' });
    timers.register(2_000, 'o-2', { orderId: '2' });

    const fired: Array<Timer<Deadline>> = [];
    expect(await timers.fireDue(2_000, (t) => void fired.push(t))).toBe(3);
    expect(describeFired(fired)).toEqual(['1000:o-a:a', '1000:o-b:b', '2000:o-2:2']);
    expect(await timers.nextDueTime()).toBe(3_000);

    fired.length = 0;
    await timers.fireDue(Number.POSITIVE_INFINITY, (t) => void fired.push(t));
    expect(describeFired(fired)).toEqual(['3000:o-3:3', `${2 ** 33}:o-far:far`]);
    expect(await timers.nextDueTime()).toBeUndefined();
  });

  it('does not fire a cancelled timer', async () => {
    const timers = await inMemoryTimers();
    timers.register(10, 'keep', { orderId: 'keep' });
    timers.register(10, 'drop', { orderId: 'drop' });
    timers.cancel(10, 'drop');
    timers.cancel(99, 'never-registered');
    const fired: Array<Timer<Deadline>> = [];
    await timers.fireDue(100, (t) => void fired.push(t));
    expect(describeFired(fired)).toEqual(['10:keep:keep']);
  });

  it('replaces the payload when the same due time and key are registered again', async () => {
    const timers = await inMemoryTimers();
    timers.register(5, 'k', { orderId: 'old' });
    timers.register(5, 'k', { orderId: 'new' });
    const fired: Array<Timer<Deadline>> = [];
    await timers.fireDue(5, (t) => void fired.push(t));
    expect(describeFired(fired)).toEqual(['5:k:new']);
  });

  it('fires in the same call the timers a callback registers due by upTo, even before the current one', async () => {
    const timers = await inMemoryTimers();
    timers.register(50, 'first', { orderId: 'first' });
    const fired: Array<Timer<Deadline>> = [];
    await timers.fireDue(100, async (t) => {
      fired.push(t);
      if (t.key === 'first') {
        timers.register(80, 'later', { orderId: 'later' });
        timers.register(40, 'earlier', { orderId: 'earlier' });
        timers.register(500, 'future', { orderId: 'future' });
      }
    });
    expect(describeFired(fired)).toEqual(['50:first:first', '40:earlier:earlier', '80:later:later']);
    expect(await timers.nextDueTime()).toBe(500);
  });

  it('does not fire a timer that an earlier callback of the same call cancelled', async () => {
    const timers = await inMemoryTimers();
    timers.register(1, 'a', { orderId: 'a' });
    timers.register(2, 'b', { orderId: 'b' });
    timers.register(3, 'c', { orderId: 'c' });
    const fired: string[] = [];
    await timers.fireDue(10, (t) => {
      fired.push(t.key);
      if (t.key === 'a') timers.cancel(2, 'b');
    });
    expect(fired).toEqual(['a', 'c']);
  });

  it('fires a backlog larger than one read slice exactly once each, in order', async () => {
    const timers = await inMemoryTimers();
    const count = 1_000;
    for (let i = count - 1; i >= 0; i--) timers.register(i, `t${i}`, { orderId: String(i) });
    const dues: number[] = [];
    expect(await timers.fireDue(count, (t) => void dues.push(t.dueTime))).toBe(count);
    expect(dues).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('keeps a timer whose callback failed, since its deletion was never committed', async () => {
    const store = await openStore({ name: 'payment-deadlines', kind: 'in-memory', keySerde: bytesSerde, valueSerde: bytesSerde });
    const timers = new TimerService(store, deadlineSerde);
    timers.register(1, 'a', { orderId: 'a' });
    await store.flush();
    await expect(timers.fireDue(1, () => Promise.reject(new Error('downstream failed')))).rejects.toThrow('downstream failed');
    // The deletion is only buffered; the engine fails the task instead of committing, and a
    // restarted task reads what was flushed, where the timer still is.
    const stored = encodeTimerKey(1, 'a');
    expect(store.pendingWrites()).toEqual([{ key: stored, value: null }]);
    expect(await store.inner.get(stored)).toBeDefined();
  });

  it('rejects a nested fireDue and invalid due times', async () => {
    const timers = await inMemoryTimers();
    timers.register(1, 'a', { orderId: 'a' });
    await expect(timers.fireDue(1, () => timers.fireDue(1, () => undefined).then(() => undefined))).rejects.toBeInstanceOf(TimerError);
    expect(() => timers.register(-5, 'x', { orderId: 'x' })).toThrow(TimerError);
    await expect(timers.fireDue(Number.NaN, () => undefined)).rejects.toBeInstanceOf(TimerError);
  });

  it('never reads a clock: fireDue runs with Date.now and performance.now unavailable', async () => {
    const timers = await inMemoryTimers();
    timers.register(1, 'a', { orderId: 'a' });
    const clockRead = (): never => {
      throw new Error('clock read');
    };
    vi.spyOn(Date, 'now').mockImplementation(clockRead);
    vi.spyOn(performance, 'now').mockImplementation(clockRead);
    expect(await timers.fireDue(1, () => undefined)).toBe(1);
  });

  it('survives a restart on RocksDB: timers flushed before close fire after reopening', () =>
    withTempDir(async (dir) => {
      const path = join(dir, '0_0', 'payment-deadlines');
      const open = () => openStore({ name: 'payment-deadlines', kind: 'rocksdb', dir: path, keySerde: bytesSerde, valueSerde: bytesSerde });
      const before = await open();
      const timersBefore = new TimerService(before, deadlineSerde);
      timersBefore.register(1_800_000, 'order-2', { orderId: '2' });
      timersBefore.register(1_800_000 + 60_000, 'order-3', { orderId: '3' });
      timersBefore.register(900_000, 'order-1', { orderId: '1' });
      await before.flush();
      await before.close();

      const after = await open();
      const timersAfter = new TimerService(after, deadlineSerde);
      expect(await timersAfter.nextDueTime()).toBe(900_000);
      const fired: Array<Timer<Deadline>> = [];
      await timersAfter.fireDue(1_800_000, (t) => void fired.push(t));
      expect(describeFired(fired)).toEqual(['900000:order-1:1', '1800000:order-2:2']);
      await after.flush();
      expect(await timersAfter.nextDueTime()).toBe(1_860_000);
      await after.close();
    }));
});
