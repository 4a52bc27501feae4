import { CdcStreamsError } from '../../common/errors.js';
import type { KafkaConnection } from '../kafka-connection-config.js';

/** The broker refused the SASL user: wrong password, unknown user, or a mechanism it does not offer. */
export class KafkaAuthenticationError extends CdcStreamsError {
  constructor(message: string, cause: unknown) {
    super(message, { code: 'KAFKA_AUTHENTICATION', cause });
  }
}

/** The TLS handshake failed: the broker's certificate is not trusted, or the broker refused ours. */
export class KafkaTlsError extends CdcStreamsError {
  constructor(message: string, cause: unknown) {
    super(message, { code: 'KAFKA_TLS', cause });
  }
}

// Node's codes for a broker certificate that does not verify against the CAs given.
const UNTRUSTED_BROKER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface ErrorFacts {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly broker?: string;
  /** Kafka's error name of a broker's answer (kafkajs' protocol errors). */
  readonly type?: string;
}

/**
 * kafkajs wraps the socket's error once or twice (retries exceeded, non-retriable), and the runtime
 * wraps that again (the application failed, a commit failed): the facts of each layer.
 */
function layers(error: unknown): ErrorFacts[] {
  const found: ErrorFacts[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = 'code' in current && typeof current.code === 'string' ? current.code : undefined;
    const broker = 'broker' in current && typeof current.broker === 'string' ? current.broker : undefined;
    const type = 'type' in current && typeof current.type === 'string' ? current.type : undefined;
    found.push({
      name: current.name,
      message: current.message,
      ...(code === undefined ? {} : { code }),
      ...(broker === undefined ? {} : { broker }),
      ...(type === undefined ? {} : { type }),
    });
    current = current.cause;
  }
  return found;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "sslv3 alert certificate unknown" -> "certificate unknown". */
function tlsAlert(message: string): string | undefined {
  return /(?:sslv3|tlsv1|tlsv13) alert ([a-z ]+?)(?::|$)/i.exec(message)?.[1];
}

/**
 * Connects a client (the first contact with the brokers, where a wrong password or an untrusted
 * certificate shows), failing with `explainConnectError`'s one line.
 */
export async function connectExplained(client: { connect(): Promise<void> }, connection: KafkaConnection): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    throw explainConnectError(error, connection);
  }
}

/**
 * Turns a kafkajs failure to connect into one line that says what to fix, when it is a SASL or TLS
 * refusal (kafkajs reports those as OpenSSL's multi-line text, or as a generic connection error);
 * returns any other error unchanged.
 */
export function explainConnectError(error: unknown, connection: KafkaConnection): unknown {
  const all = layers(error);
  const where = all.find((layer) => layer.broker !== undefined)?.broker ?? connection.brokers.join(',');

  const sasl = all.find((layer) => layer.name === 'KafkaJSSASLAuthenticationError');
  if (sasl !== undefined && connection.sasl !== undefined) {
    const reason = sasl.message.replace(/^.*?authentication failed: /i, '');
    return new KafkaAuthenticationError(
      `Kafka at ${where} refused SASL user '${connection.sasl.username}' (${connection.sasl.mechanism}): ${oneLine(reason)}`,
      error,
    );
  }

  const tls = connection.tls;
  const untrusted = all.find((layer) => layer.code !== undefined && UNTRUSTED_BROKER.has(layer.code));
  if (untrusted !== undefined) {
    const reason = oneLine(untrusted.message.replace(/^Connection error: /, ''));
    const fix = tls?.caFile === undefined
      ? 'give the CA that signed it (tls.caFile, --tls-ca)'
      : `is it signed by the CA in '${tls.caFile}'?`;
    return new KafkaTlsError(`TLS to Kafka at ${where} failed: the broker's certificate is not trusted (${reason}); ${fix}`, error);
  }

  const alerted = all.find((layer) => layer.code?.startsWith('ERR_SSL_') === true && tlsAlert(layer.message) !== undefined);
  if (alerted !== undefined) {
    const alert = tlsAlert(alerted.message) ?? '';
    const what = tls?.certFile === undefined
      ? `the broker refused the connection (TLS alert: ${alert}): it requires a client certificate and none was given (tls.certFile and tls.keyFile, --tls-cert and --tls-key)`
      : `the broker refused the client certificate '${tls.certFile}' (TLS alert: ${alert}): is it signed by a CA the broker trusts?`;
    return new KafkaTlsError(`TLS to Kafka at ${where} failed: ${what}`, error);
  }

  // What Node says when a plain listener hangs up on a TLS client hello.
  if (all.some((layer) => layer.message.includes('before secure TLS connection was established'))) {
    return new KafkaTlsError(`TLS to Kafka at ${where} failed: the broker closed the connection during the TLS handshake (is that a TLS listener?)`, error);
  }

  const otherTls = all.find((layer) => layer.code?.startsWith('ERR_SSL_') === true);
  if (otherTls !== undefined) {
    // OpenSSL's text is "<id>:error:<code>:SSL routines:<function>:<reason>:<source file>:<line>:"; the reason is what matters.
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(otherTls.message)?.[1] ?? oneLine(otherTls.message.replace(/^Connection error: /, ''));
    const hint = otherTls.code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? ' (is that a TLS listener?)' : '';
    return new KafkaTlsError(`TLS to Kafka at ${where} failed: ${reason}${hint}`, error);
  }
  return error;
}

/** kafkajs' names for losing the broker: no connection, a connection that closed, a request that got no answer. */
const UNREACHABLE_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSBrokerNotFound',
]);

/**
 * The broker's answers while it (or the coordinator or leader on it) is going away or coming back
 * (kafkajs names some of Kafka's errors by their old names; both are listed).
 */
const UNREACHABLE_ERROR_TYPES = new Set([
  'NETWORK_EXCEPTION',
  'REQUEST_TIMED_OUT',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  // A restarted broker loads its coordinators' state from __consumer_offsets for a while after it answers.
  'GROUP_LOAD_IN_PROGRESS',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'LEADER_NOT_AVAILABLE',
]);

/** Node's socket codes for a broker that is not there, or that went away mid-request. */
const UNREACHABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * True when the error, or an error it wraps, says the broker could not be reached: a refused, reset
 * or closed connection, a request that timed out, no group coordinator or leader to talk to. Such a
 * failure ends once the broker is back (a broker restart); a refused login or certificate (SASL, TLS)
 * does not, and is not one, even when kafkajs reports it as a connection error.
 */
export function isBrokerUnreachable(error: unknown): boolean {
  const all = layers(error);
  const refused = all.some(
    (layer) =>
      layer.name === 'KafkaJSSASLAuthenticationError' ||
      layer.code === 'KAFKA_AUTHENTICATION' ||
      layer.code === 'KAFKA_TLS' ||
      (layer.code !== undefined && (UNTRUSTED_BROKER.has(layer.code) || layer.code.startsWith('ERR_SSL_') || layer.code.startsWith('ERR_TLS_'))) ||
      layer.message.includes('before secure TLS connection was established'),
  );
  if (refused) return false;
  return all.some(
    (layer) =>
      UNREACHABLE_ERROR_NAMES.has(layer.name) ||
      (layer.type !== undefined && UNREACHABLE_ERROR_TYPES.has(layer.type)) ||
      (layer.code !== undefined && UNREACHABLE_SOCKET_CODES.has(layer.code)),
  );
}
