import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePort, securedListenerLines } from '../../../src/cli/commands/kafka-command.js';

describe('parsePort', () => {
  it('accepts 1 to 65535', () => {
    expect(parsePort('1')).toBe(1);
    expect(parsePort('9092')).toBe(9092);
    expect(parsePort('65535')).toBe(65535);
  });

  it.each(['0', '65536', '-1', '9092.5', 'abc', '', '9092x'])('rejects %j as a usage error', (value) => {
    expect(() => parsePort(value)).toThrow(InvalidArgumentError);
  });
});

describe('securedListenerLines', () => {
  it('prints, per secured listener, the flags that connect to it', () => {
    const lines = securedListenerLines({
      caFile: '/tmp/k/tls/ca.pem',
      saslSsl: { brokers: '127.0.0.1:40002', mechanisms: ['scram-sha-256', 'scram-sha-512'], users: [{ username: 'cdc-streams', password: 'pw' }] },
      mutualTls: { brokers: '127.0.0.1:40003', certFile: '/tmp/k/tls/client.pem', keyFile: '/tmp/k/tls/client.key' },
    });
    expect(lines).toEqual([
      'secured listeners (CA and client certificate in /tmp/k/tls):',
      '  SASL_SSL, SCRAM-SHA-256/512 user cdc-streams:',
      '    export KAFKA_SASL_PASSWORD=pw',
      '    --brokers 127.0.0.1:40002 --tls-ca /tmp/k/tls/ca.pem --sasl-mechanism scram-sha-512 --sasl-username cdc-streams',
      '  SSL, client certificate required:',
      '    --brokers 127.0.0.1:40003 --tls-ca /tmp/k/tls/ca.pem --tls-cert /tmp/k/tls/client.pem --tls-key /tmp/k/tls/client.key',
    ]);
  });
});
