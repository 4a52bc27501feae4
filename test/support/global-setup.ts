import type { TestProject } from 'vitest/node';
import { startTestBroker } from './kafka-broker.js';
import { startTestRegistry } from './schema-registry.js';

/**
 * Starts what the integration and e2e tests need, once per run: a real Kafka broker (or the one named
 * by KAFKA_BROKERS) and a Confluent-compatible schema registry (or SCHEMA_REGISTRY_URL), and stops
 * whatever it started when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const broker = await startTestBroker();
  project.provide('kafkaBrokers', broker.brokers);
  let registry: Awaited<ReturnType<typeof startTestRegistry>>;
  try {
    registry = await startTestRegistry();
  } catch (error) {
    await broker.stop();
    throw error;
  }
  project.provide('schemaRegistryUrl', registry.url);
  return async () => {
    await registry.stop();
    await broker.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap addresses of the test broker. */
    kafkaBrokers: string;
    /** Base URL of a Confluent-compatible schema registry API. */
    schemaRegistryUrl: string;
  }
}
