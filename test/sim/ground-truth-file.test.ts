import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GroundTruthFormatError, simulateFlashSale } from '../../src/sim/index.js';
import { readGroundTruth, writeGroundTruth } from '../../src/sim/ground-truth-file.js';

describe('ground-truth file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-sim-gt-'));

  it('reads back exactly what was written, int64 ids included', async () => {
    const sim = simulateFlashSale({ orders: 60, seed: 5 });
    const orders = [...sim.groundTruth];
    const path = join(dir, 'truth.jsonl');
    expect(await writeGroundTruth(path, orders, sim.meta)).toBe(60);
    const back = await readGroundTruth(path);
    expect(back.meta).toEqual(sim.meta);
    expect([...back.orders.values()]).toEqual(orders);
    expect(readFileSync(path, 'utf8').split('\n').length).toBe(62); // header, 60 orders, final newline
    expect(orders.some((o) => BigInt(o.orderId) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  it('names the file and line of a malformed order', async () => {
    const path = join(dir, 'bad.jsonl');
    const header = '{"format":"cdc-streams/ground-truth","version":1,"meta":{}}';
    writeFileSync(path, `${header}\n{"orderId":"1","events":[{"seq":1}]}\n`);
    await expect(readGroundTruth(path)).rejects.toThrow(GroundTruthFormatError);
    await expect(readGroundTruth(path)).rejects.toThrow(`${path}:2`);
  });

  it('refuses a file without the header', async () => {
    const path = join(dir, 'headless.jsonl');
    writeFileSync(path, '{"orderId":"1","events":[]}\n');
    await expect(readGroundTruth(path)).rejects.toThrow(/:1: not a cdc-streams\/ground-truth v1 header/);
  });
});
