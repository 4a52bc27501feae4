import { describe, expect, it } from 'vitest';
import {
  generateClusterId,
  renderLog4jProperties,
  renderServerProperties,
} from '../../src/local-broker/broker-config.js';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .trim()
      .split('\n')
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)] as const;
      }),
  );
}

describe('renderServerProperties', () => {
  const config = parse(renderServerProperties({ port: 19092, controllerPort: 19093, logDir: '/tmp/k/data' }));

  it('makes one KRaft node that is broker and controller, voting for itself on the controller port', () => {
    expect(config.get('process.roles')).toBe('broker,controller');
    expect(config.get('node.id')).toBe('1');
    expect(config.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(config.get('controller.listener.names')).toBe('CONTROLLER');
  });

  it('listens and advertises on loopback only, clients on the client port', () => {
    expect(config.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(config.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
  });

  it('uses replication factor 1 for internal topics, so offsets and transactions work on one node', () => {
    expect(config.get('offsets.topic.replication.factor')).toBe('1');
    expect(config.get('transaction.state.log.replication.factor')).toBe('1');
    expect(config.get('transaction.state.log.min.isr')).toBe('1');
  });

  it('never auto-creates topics and stores data in the given folder', () => {
    expect(config.get('auto.create.topics.enable')).toBe('false');
    expect(config.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(config.get('log.dirs')).toBe('/tmp/k/data');
  });

  it('escapes backslashes in paths, which Java properties would otherwise drop', () => {
    const windowsLike = parse(renderServerProperties({ port: 1, controllerPort: 2, logDir: 'C:\\kafka\\data' }));
    expect(windowsLike.get('log.dirs')).toBe('C:\\\\kafka\\\\data');
  });
});

describe('renderLog4jProperties', () => {
  it('sends WARN and above to the given file and keeps the server-started INFO line', () => {
    const config = parse(renderLog4jProperties('/tmp/k/broker.log'));
    expect(config.get('log4j.rootLogger')).toBe('WARN, file');
    expect(config.get('log4j.appender.file.File')).toBe('/tmp/k/broker.log');
    expect(config.get('log4j.logger.kafka.server.KafkaRaftServer')).toBe('INFO');
  });
});

describe('generateClusterId', () => {
  it('returns 22 base64url characters (16 bytes, no padding), different each time', () => {
    const first = generateClusterId();
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(16);
    expect(generateClusterId()).not.toBe(first);
  });

  it('never starts with a dash, which the storage tool would read as an option', () => {
    // 1 id in 64 would start with '-' by chance: 2,000 draws miss that with probability ~1e-14.
    for (let i = 0; i < 2000; i++) expect(generateClusterId().startsWith('-')).toBe(false);
  });
});

describe('renderServerProperties with secured listeners', () => {
  const files = { keystoreFile: '/tmp/k/tls/broker-keystore.pem', truststoreFile: '/tmp/k/tls/ca.pem' };
  const both = parse(
    renderServerProperties({ port: 19092, controllerPort: 19093, logDir: '/tmp/k/data', secured: { ports: { saslSslPort: 19094, mutualTlsPort: 19095 }, files } }),
  );

  it('adds SASL_SSL and SSL listeners on loopback beside the plain one, which the broker keeps for itself', () => {
    expect(both.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,SASL_SSL://127.0.0.1:19094,SSL://127.0.0.1:19095');
    expect(both.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092,SASL_SSL://127.0.0.1:19094,SSL://127.0.0.1:19095');
    expect(both.get('listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL');
    expect(both.get('inter.broker.listener.name')).toBe('PLAINTEXT');
  });

  it('reads its key and the CA from PEM files', () => {
    expect(both.get('ssl.keystore.type')).toBe('PEM');
    expect(both.get('ssl.keystore.location')).toBe(files.keystoreFile);
    expect(both.get('ssl.truststore.type')).toBe('PEM');
    expect(both.get('ssl.truststore.location')).toBe(files.truststoreFile);
  });

  it('offers both SCRAM mechanisms on the SASL_SSL listener and requires a client certificate on the SSL one only', () => {
    expect(both.get('listener.name.sasl_ssl.sasl.enabled.mechanisms')).toBe('SCRAM-SHA-256,SCRAM-SHA-512');
    expect(both.get('listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config')).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required;');
    expect(both.get('listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config')).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required;');
    expect(both.get('listener.name.ssl.ssl.client.auth')).toBe('required');
    expect([...both.keys()].filter((key) => key.endsWith('ssl.client.auth'))).toEqual(['listener.name.ssl.ssl.client.auth']);
  });

  it('adds only the listener asked for', () => {
    const mtlsOnly = parse(renderServerProperties({ port: 1, controllerPort: 2, logDir: '/d', secured: { ports: { mutualTlsPort: 3 }, files } }));
    expect(mtlsOnly.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:1,SSL://127.0.0.1:3');
    expect([...mtlsOnly.keys()].some((key) => key.includes('sasl'))).toBe(false);
  });

  it('leaves the plain broker without any TLS or SASL setting', () => {
    const plain = parse(renderServerProperties({ port: 1, controllerPort: 2, logDir: '/d' }));
    expect([...plain.keys()].filter((key) => key.includes('ssl') || key.includes('sasl'))).toEqual([]);
  });
});
