/** The pinned broker version (docs/design.md section 5): kafkajs 2.2.4 is only tested against 3.9.x. */
export const KAFKA_VERSION = '3.9.1';
export const KAFKA_SCALA_VERSION = '2.13';
/** log4j 1 API for the broker's own logging; Kafka 3.9 ships reload4j in its distribution too. */
export const SLF4J_RELOAD4J_VERSION = '1.7.36';
/** The jar whose presence marks a complete cache (the folder only appears by an atomic rename). */
export const KAFKA_MAIN_JAR = `kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar`;
