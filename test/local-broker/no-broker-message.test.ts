import { describe, expect, it } from 'vitest';
import { noBrokerMessage } from '../../src/local-broker/no-broker-message.js';

describe('noBrokerMessage', () => {
  const message = noBrokerMessage({ docker: 'no Docker engine answers', missingTools: ['java', 'mvn'] });

  it('says what was tried and which tools are missing', () => {
    expect(message).toContain('KAFKA_BROKERS is not set, no Docker engine answers, and java and mvn are not on the PATH');
  });

  it('lists the three ways to provide a broker', () => {
    expect(message).toContain('set KAFKA_BROKERS=host:port');
    expect(message).toContain('docker/docker-compose.yml');
    expect(message).toContain('install Java 17 and Maven');
  });

  it('agrees in number when one tool is missing', () => {
    expect(noBrokerMessage({ docker: 'no Docker engine answers', missingTools: ['mvn'] })).toContain('mvn is not on the PATH');
  });
});
