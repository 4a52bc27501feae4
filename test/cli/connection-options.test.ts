import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/cli-errors.js';
import { connectionFromFlags } from '../../src/cli/connection-options.js';
import { generateTlsMaterial, type TlsMaterial } from '../../src/local-broker/tls-material.js';

let dir: string;
let tls: TlsMaterial & { client: NonNullable<TlsMaterial['client']> };
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'connection-options-test-'));
  const material = await generateTlsMaterial(dir, { clientCertificate: true });
  if (material.client === undefined) throw new Error('no client certificate was made');
  tls = { ...material, client: material.client };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('connectionFromFlags', () => {
  it('takes the brokers from KAFKA_BROKERS when --brokers is absent', () => {
    expect(connectionFromFlags({}, { KAFKA_BROKERS: 'a:9092, b:9093' }).brokers).toEqual(['a:9092', 'b:9093']);
  });

  it('prefers --brokers over the environment', () => {
    expect(connectionFromFlags({ brokers: 'c:1' }, { KAFKA_BROKERS: 'a:9092' }).brokers).toEqual(['c:1']);
  });

  it('is a usage error naming both ways when no brokers are given', () => {
    expect(() => connectionFromFlags({}, {})).toThrow(CliUsageError);
    expect(() => connectionFromFlags({}, {})).toThrow(/pass --brokers host:port or set KAFKA_BROKERS/);
  });

  it('is a usage error naming the flag when a broker is not host:port', () => {
    expect(() => connectionFromFlags({ brokers: 'localhost' }, {})).toThrow(/--brokers 'localhost': .*host:port/);
  });

  it('reads the SASL password from KAFKA_SASL_PASSWORD', () => {
    const connection = connectionFromFlags(
      { brokers: 'a:1', saslMechanism: 'scram-sha-512', saslUsername: 'dts' },
      { KAFKA_SASL_PASSWORD: 'secret' },
    );
    expect(connection.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'dts', password: 'secret' });
  });

  it('refuses SASL without a user name or without a password', () => {
    expect(() => connectionFromFlags({ brokers: 'a:1', saslMechanism: 'plain' }, { KAFKA_SASL_PASSWORD: 'x' })).toThrow(
      '--sasl-mechanism needs --sasl-username',
    );
    expect(() => connectionFromFlags({ brokers: 'a:1', saslMechanism: 'plain', saslUsername: 'u' }, {})).toThrow(/needs a password/);
  });

  it('turns TLS on for --tls-ca alone, with the CA file', () => {
    expect(connectionFromFlags({ brokers: 'a:1', tlsCa: tls.caFile }, {}).tls).toEqual({ caFile: tls.caFile, rejectUnauthorized: true });
    expect(connectionFromFlags({ brokers: 'a:1' }, {}).tls).toBeUndefined();
  });

  it('turns TLS on for a client certificate and key, passing both files on', () => {
    const connection = connectionFromFlags({ brokers: 'a:1', tlsCert: tls.client.certFile, tlsKey: tls.client.keyFile }, {});
    expect(connection.tls).toEqual({ certFile: tls.client.certFile, keyFile: tls.client.keyFile, rejectUnauthorized: true });
  });

  it('checks the TLS files before anything connects: a missing CA file is a usage error naming the flag', () => {
    expect(() => connectionFromFlags({ brokers: 'a:1', tlsCa: path.join(dir, 'nope.pem') }, {})).toThrow(CliUsageError);
    expect(() => connectionFromFlags({ brokers: 'a:1', tlsCa: path.join(dir, 'nope.pem') }, {})).toThrow(/^--tls-ca '.*nope\.pem': cannot read it/);
  });
});
