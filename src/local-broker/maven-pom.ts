import { KAFKA_SCALA_VERSION, KAFKA_VERSION, SLF4J_RELOAD4J_VERSION } from './kafka-version.js';

/** A throwaway pom whose only purpose is to let `dependency:copy-dependencies` resolve the broker's jars. */
export function renderKafkaPom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.cdc-streams</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${KAFKA_SCALA_VERSION}</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>${SLF4J_RELOAD4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}
