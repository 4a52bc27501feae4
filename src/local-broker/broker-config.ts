import { randomBytes } from 'node:crypto';
import { securedListenerPorts, securityProperties, type BrokerTlsFiles, type SecuredPorts } from './broker-security.js';
import { LOOPBACK } from './ports.js';

export interface BrokerConfigInput {
  readonly port: number;
  readonly controllerPort: number;
  /** Where the broker keeps its partitions and KRaft metadata log; a fresh directory per start. */
  readonly logDir: string;
  readonly host?: string;
  /** Secured listeners to add beside the plain one, and the key material they use. */
  readonly secured?: { readonly ports: SecuredPorts; readonly files: BrokerTlsFiles };
}

/** Escapes a value for a Java .properties file (backslashes would otherwise be eaten). */
function propertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

function renderProperties(entries: ReadonlyArray<readonly [string, string | number]>): string {
  return entries.map(([key, value]) => `${key}=${propertyValue(String(value))}`).join('\n') + '\n';
}

/**
 * A one-node KRaft broker that is also its own controller. Replication factors are 1 because there is
 * one node; topics are never auto-created so a typo in a test fails instead of creating a topic; the
 * rebalance delay is 0 so consumer groups form at once. Secured listeners, when asked for, come after
 * the plain one, which stays the broker's own (inter-broker) listener.
 */
export function renderServerProperties(input: BrokerConfigInput): string {
  const host = input.host ?? LOOPBACK;
  const secured = input.secured === undefined ? [] : securedListenerPorts(input.secured.ports);
  const plain = `PLAINTEXT://${host}:${input.port}`;
  const extra = secured.map(([name, port]) => `${name}://${host}:${port}`);
  return renderProperties([
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${host}:${input.controllerPort}`],
    ['listeners', [plain, `CONTROLLER://${host}:${input.controllerPort}`, ...extra].join(',')],
    ['advertised.listeners', [plain, ...extra].join(',')],
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT', ...secured.map(([name]) => `${name}:${name}`)].join(',')],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', input.logDir],
    ['num.partitions', 1],
    ['auto.create.topics.enable', 'false'],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ...(input.secured === undefined ? [] : securityProperties(input.secured.ports, input.secured.files)),
  ]);
}

/**
 * log4j 1 configuration: everything at WARN into one file, plus the INFO line that says the server
 * started, so a failed start can be diagnosed from the file alone.
 */
export function renderLog4jProperties(logFile: string): string {
  return renderProperties([
    ['log4j.rootLogger', 'WARN, file'],
    ['log4j.appender.file', 'org.apache.log4j.FileAppender'],
    ['log4j.appender.file.File', logFile],
    ['log4j.appender.file.layout', 'org.apache.log4j.PatternLayout'],
    ['log4j.appender.file.layout.ConversionPattern', '[%d] %p %m (%c)%n'],
    ['log4j.logger.kafka.server.KafkaRaftServer', 'INFO'],
  ]);
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (22 characters), as `random-uuid`
 * makes — and, like Kafka's own Uuid, never starting with '-', which kafka-storage's argument parser
 * would take for an option (one start in 64 failed before).
 */
export function generateClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
