export interface MissingWays {
  /** Why Docker cannot be used, e.g. "no Docker engine answers `docker info`". */
  readonly docker: string;
  /** Tools the local launcher needs but cannot find, e.g. ['java', 'mvn']. */
  readonly missingTools: readonly string[];
}

/** The one error a user sees when no broker can be had: what was tried, and the three ways to fix it. */
export function noBrokerMessage(missing: MissingWays): string {
  return [
    `No Kafka broker available: KAFKA_BROKERS is not set, ${missing.docker}, and ${missing.missingTools.join(' and ')} ` +
      `${missing.missingTools.length === 1 ? 'is' : 'are'} not on the PATH. Provide a broker in one of three ways:`,
    '  1. set KAFKA_BROKERS=host:port to use a broker that is already running;',
    '  2. run a Docker engine, so docker/docker-compose.yml can start one (docker compose -f docker/docker-compose.yml up -d kafka);',
    '  3. install Java 17 and Maven, so cdc-streams can start Apache Kafka 3.9.1 from the jars on Maven Central.',
  ].join('\n');
}
