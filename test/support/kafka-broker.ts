import { ensureBroker, type BrokerHandle } from '../../src/local-broker/index.js';

/**
 * The broker the integration and e2e tests share: KAFKA_BROKERS if set, else Docker, else a local
 * Kafka started from the cached jars. stop() ends only what this call started.
 */
export async function startTestBroker(): Promise<BrokerHandle> {
  return ensureBroker({ log: (line) => process.stderr.write(`[test broker] ${line}\n`) });
}
