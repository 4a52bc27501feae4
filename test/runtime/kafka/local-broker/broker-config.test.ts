import { describe, expect, it } from 'vitest';
import {
  generateClusterId,
  renderLog4jProperties,
  renderServerProperties,
} from '../../../../src/runtime/kafka/local-broker/broker-config.js';

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
