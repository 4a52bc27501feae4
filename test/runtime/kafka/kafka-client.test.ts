import { describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../../src/runtime/kafka/kafka-client.js';
import { parseKafkaConnection } from '../../../src/runtime/kafka-connection-config.js';
import { recordingLogger } from '../../support/recording-logger.js';

describe('createKafkaClient', () => {
  it("logs kafkajs lines at debug with kafkajs' level under its own name, so a line has one level field", () => {
    const logger = recordingLogger();
    const kafka = createKafkaClient(parseKafkaConnection({ brokers: ['127.0.0.1:1'] }), logger);
    kafka.logger().error('Response Heartbeat', { broker: '127.0.0.1:1', level: 'shadowed' });
    expect(logger.lines).toHaveLength(1);
    const [line] = logger.lines;
    expect(line).toMatchObject({ level: 'debug', message: 'kafkajs: Response Heartbeat', fields: { kafkajsLevel: 'ERROR', broker: '127.0.0.1:1' } });
    expect(line?.fields).not.toHaveProperty('level');
  });
});
