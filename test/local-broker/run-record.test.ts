import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors.js';
import { readBrokerRecord, removeBrokerRecord, writeBrokerRecord } from '../../src/local-broker/run-record.js';

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

  it('keeps a secured broker\'s listeners, and only its owner may read the file (it holds a password)', async () => {
    const file = path.join(dir, 'broker.json');
    const secured = {
      caFile: '/tmp/x/tls/ca.pem',
      saslSsl: { brokers: '127.0.0.1:40002', mechanisms: ['scram-sha-256', 'scram-sha-512'] as const, users: [{ username: 'cdc-streams', password: 'pw' }] },
      mutualTls: { brokers: '127.0.0.1:40003', certFile: '/tmp/x/tls/client.pem', keyFile: '/tmp/x/tls/client.key' },
    };
    await writeBrokerRecord(file, { ...record, secured });
    expect(await readBrokerRecord(file)).toEqual({ ...record, secured });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('rejects a record without a pid, naming the file', async () => {
    const file = path.join(dir, 'broker.json');
    await writeFile(file, JSON.stringify({ ...record, pid: undefined }));
    await expect(readBrokerRecord(file)).rejects.toBeInstanceOf(ConfigError);
    await expect(readBrokerRecord(file)).rejects.toThrow(file);
  });
});
