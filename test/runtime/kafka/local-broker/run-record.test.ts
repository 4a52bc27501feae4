import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/common/errors.js';
import { readBrokerRecord, removeBrokerRecord, writeBrokerRecord } from '../../../../src/runtime/kafka/local-broker/run-record.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'run-record-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('broker run record', () => {
  const record = { pid: 4242, brokers: '127.0.0.1:40001', dataDir: '/tmp/x', startedAt: '2025-01-01T00:00:00.000Z' };

  it('reads back what was written, creating the run folder', async () => {
    const file = path.join(dir, 'run', 'broker.json');
    await writeBrokerRecord(file, record);
    expect(await readBrokerRecord(file)).toEqual(record);
  });

  it('reads as absent when there is no record, and after removal', async () => {
    const file = path.join(dir, 'broker.json');
    expect(await readBrokerRecord(file)).toBeUndefined();
    await writeBrokerRecord(file, record);
    await removeBrokerRecord(file);
    expect(await readBrokerRecord(file)).toBeUndefined();
  });

  it('rejects a record without a pid, naming the file', async () => {
    const file = path.join(dir, 'broker.json');
    await writeFile(file, JSON.stringify({ ...record, pid: undefined }));
    await expect(readBrokerRecord(file)).rejects.toBeInstanceOf(ConfigError);
    await expect(readBrokerRecord(file)).rejects.toThrow(file);
  });
});
