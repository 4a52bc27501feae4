import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/cli-errors.js';
import { connectionFromFlags } from '../../src/cli/connection-options.js';

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
    expect(connectionFromFlags({ brokers: 'a:1', tlsCa: 'ca.pem' }, {}).tls).toEqual({ caFile: 'ca.pem', rejectUnauthorized: true });
    expect(connectionFromFlags({ brokers: 'a:1' }, {}).tls).toBeUndefined();
  });
});
