import { randomBytes } from 'node:crypto';
import {
  startSecuredBroker,
  type ScramUser,
  type SecuredBrokerHandle,
} from '../../src/local-broker/index.js';
import type { KafkaTestKit } from './kafka-test-kit.js';

/** The SCRAM user the secured-broker tests run as; a fresh password per run. */
export const TEST_SCRAM_USER: ScramUser = { username: 'it-app', password: randomBytes(12).toString('base64url') };

/**
 * A local broker of this test file's own with a SASL_SSL listener (SCRAM) and an SSL listener that
 * requires client certificates, beside the plain one the test kit uses to create and read topics.
 */
export async function startTestSecuredBroker(): Promise<SecuredBrokerHandle> {
  return startSecuredBroker({
    scramUsers: [TEST_SCRAM_USER],
    mutualTls: true,
    log: (line) => process.stderr.write(`[secured test broker] ${line}\n`),
  });
}

/** `run` flags for the SASL_SSL listener: the CA, SCRAM-SHA-512 and the user; `password` replaces the right one. */
export function saslSslFlags(broker: SecuredBrokerHandle, options: { readonly password?: string; readonly withCa?: boolean } = {}): { brokers: string; args: string[] } {
  const listener = broker.secured.saslSsl;
  if (listener === undefined) throw new Error('the secured test broker has no SASL_SSL listener');
  return {
    brokers: listener.brokers,
    args: [
      ...(options.withCa === false ? ['--tls'] : ['--tls-ca', broker.secured.caFile]),
      '--sasl-mechanism', 'scram-sha-512',
      '--sasl-username', TEST_SCRAM_USER.username,
      '--sasl-password', options.password ?? TEST_SCRAM_USER.password,
    ],
  };
}

/** `run` flags for the mutual-TLS listener: the CA and a client certificate (the broker's own client one unless given). */
export function mutualTlsFlags(broker: SecuredBrokerHandle, client?: { readonly certFile: string; readonly keyFile: string }): { brokers: string; args: string[] } {
  const listener = broker.secured.mutualTls;
  if (listener === undefined) throw new Error('the secured test broker has no mutual-TLS listener');
  const { certFile, keyFile } = client ?? listener;
  return { brokers: listener.brokers, args: ['--tls-ca', broker.secured.caFile, '--tls-cert', certFile, '--tls-key', keyFile] };
}

/**
 * Makes a fresh broker create its transaction-state and consumer-offsets topics (one transaction and
 * one group read), so applications started side by side do not race to create them on first use.
 */
export async function warmUpInternalTopics(kit: KafkaTestKit): Promise<void> {
  const topic = `warm-up-${randomBytes(4).toString('hex')}`;
  await kit.createTopic(topic, 1);
  const producer = kit.kafka.producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: [{ key: 'k', value: 'v' }] });
    await transaction.commit();
  } finally {
    await producer.disconnect();
  }
  await kit.readUntil(topic, (messages) => messages.length >= 1);
}
