import * as kafkajs from 'kafkajs';
import {
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { CdcStreamsError } from '../../../src/common/errors.js';
import { connectExplained, explainConnectError, isBrokerUnreachable, KafkaAuthenticationError, KafkaTlsError } from '../../../src/runtime/kafka/kafka-connect-errors.js';
import { ApplicationFailedError } from '../../../src/runtime/kafka/kafka-streams-runtime.js';
import { parseKafkaConnection } from '../../../src/runtime/kafka-connection-config.js';

// The errors are built the way kafkajs 2.2.4 builds them (its retrier wraps the socket's error with
// `{ cause }`, which its type declarations leave out), with the messages and codes seen from a secured
// local broker (test/integration/secured-broker-connections.test.ts runs the real ones).
type WrappingError = new (e: Error | string, options: { cause?: unknown; retryCount?: number; retryTime?: number }) => Error;
const NonRetriable = KafkaJSNonRetriableError as unknown as WrappingError;
const RetriesExceeded = KafkaJSNumberOfRetriesExceeded as unknown as WrappingError;
const SaslFailure = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
const OPENSSL_ALERT = (alert: string, number: number) =>
  `Connection error: 808CCC455C7F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert ${alert}:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number ${number}\n`;

function connectionFailure(message: string, code: string): Error {
  const cause = new KafkaJSConnectionError(message, { broker: '127.0.0.1:9094', code });
  return new NonRetriable(cause, { cause });
}

const sasl = parseKafkaConnection({
  brokers: ['127.0.0.1:9094'],
  sasl: { mechanism: 'scram-sha-512', username: 'app', password: 'wrong' },
  tls: { caFile: '/etc/ca.pem' },
});
const mtls = parseKafkaConnection({ brokers: ['127.0.0.1:9095'], tls: { caFile: '/etc/ca.pem', certFile: '/etc/app.pem', keyFile: '/etc/app.key' } });
const tlsNoFiles = parseKafkaConnection({ brokers: ['127.0.0.1:9094'], tls: {} });

describe('explainConnectError', () => {
  it('names the broker, the user and the mechanism when SASL authentication fails', () => {
    const error = new SaslFailure(
      'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
    const explained = explainConnectError(error, sasl);
    expect(explained).toBeInstanceOf(KafkaAuthenticationError);
    expect((explained as Error).message).toBe(
      "Kafka at 127.0.0.1:9094 refused SASL user 'app' (scram-sha-512): Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
    );
    expect((explained as Error).cause).toBe(error);
  });

  it('says the broker certificate is not trusted and which CA file was used', () => {
    const error = connectionFailure('Connection error: unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const explained = explainConnectError(error, sasl);
    expect(explained).toBeInstanceOf(KafkaTlsError);
    expect((explained as Error).message).toBe(
      "TLS to Kafka at 127.0.0.1:9094 failed: the broker's certificate is not trusted (unable to verify the first certificate); is it signed by the CA in '/etc/ca.pem'?",
    );
  });

  it('asks for a CA when none was given, also through kafkajs\' retries-exceeded wrapper', () => {
    const cause = new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', { broker: '127.0.0.1:9094', code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const error = new RetriesExceeded(cause, { retryCount: 5, retryTime: 1000, cause });
    expect((explainConnectError(error, tlsNoFiles) as Error).message).toBe(
      "TLS to Kafka at 127.0.0.1:9094 failed: the broker's certificate is not trusted (self-signed certificate in certificate chain); give the CA that signed it (tls.caFile, --tls-ca)",
    );
  });

  it('names the client certificate the broker refused, in one line', () => {
    const error = connectionFailure(OPENSSL_ALERT('certificate unknown', 46), 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN');
    const message = (explainConnectError(error, mtls) as Error).message;
    expect(message).toBe(
      "TLS to Kafka at 127.0.0.1:9094 failed: the broker refused the client certificate '/etc/app.pem' (TLS alert: certificate unknown): is it signed by a CA the broker trusts?",
    );
    expect(message).not.toContain('\n');
  });

  it('says a client certificate is required when the broker refuses a client that has none', () => {
    const error = connectionFailure(OPENSSL_ALERT('bad certificate', 42), 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE');
    expect((explainConnectError(error, tlsNoFiles) as Error).message).toBe(
      'TLS to Kafka at 127.0.0.1:9094 failed: the broker refused the connection (TLS alert: bad certificate): it requires a client certificate and none was given (tls.certFile and tls.keyFile, --tls-cert and --tls-key)',
    );
  });

  it('keeps only OpenSSL\'s reason for another TLS failure, with a hint for TLS spoken to a plain listener', () => {
    const error = connectionFailure(
      'Connection error: 80ECE9E5FF7E0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:355:\n',
      'ERR_SSL_WRONG_VERSION_NUMBER',
    );
    const explained = explainConnectError(error, tlsNoFiles);
    expect(explained).toBeInstanceOf(KafkaTlsError);
    expect((explained as Error).message).toBe(
      'TLS to Kafka at 127.0.0.1:9094 failed: wrong version number (is that a TLS listener?)',
    );
  });

  it('suspects a plain listener when the broker hangs up during the TLS handshake', () => {
    const error = connectionFailure('Connection error: Client network socket disconnected before secure TLS connection was established', 'ECONNRESET');
    expect((explainConnectError(error, tlsNoFiles) as Error).message).toBe(
      'TLS to Kafka at 127.0.0.1:9094 failed: the broker closed the connection during the TLS handshake (is that a TLS listener?)',
    );
  });

  it('returns any other error unchanged', () => {
    const refused = connectionFailure('Connection error: connect ECONNREFUSED 127.0.0.1:9094', 'ECONNREFUSED');
    expect(explainConnectError(refused, sasl)).toBe(refused);
    const plain = new Error('boom');
    expect(explainConnectError(plain, sasl)).toBe(plain);
  });
});

describe('connectExplained', () => {
  it('connects, and turns a refusal into the one-line error', async () => {
    await expect(connectExplained({ connect: () => Promise.resolve() }, sasl)).resolves.toBeUndefined();
    const refusal = new SaslFailure('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');
    await expect(connectExplained({ connect: () => Promise.reject(refusal) }, sasl)).rejects.toBeInstanceOf(KafkaAuthenticationError);
  });
});

// kafkajs exports these at run time; its type declarations leave them out or give them no constructor arguments.
const ConnectionClosed = (kafkajs as unknown as { KafkaJSConnectionClosedError: new (message: string, options: { host: string; port: number }) => Error })
  .KafkaJSConnectionClosedError;
const CoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;
const BrokerNotFound = KafkaJSBrokerNotFound as unknown as new (message: string) => Error;
const ProtocolError = KafkaJSProtocolError as unknown as new (e: { message: string; type: string; code: number; retriable: boolean }) => Error;

/** What the runtime reports when the commit path fails: our error around kafkajs' retries-exceeded around the cause. */
function failedCommit(cause: Error): Error {
  return new ApplicationFailedError(`punctuation or commit failed: ${cause.message}`, new RetriesExceeded(cause, { retryCount: 5, retryTime: 3000, cause }));
}

describe('isBrokerUnreachable', () => {
  it('is true for a refused connection, however kafkajs and the runtime wrapped it', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9094', { broker: '127.0.0.1:9094', code: 'ECONNREFUSED' });
    expect(isBrokerUnreachable(refused)).toBe(true);
    expect(isBrokerUnreachable(new NonRetriable(refused, { cause: refused }))).toBe(true);
    expect(isBrokerUnreachable(failedCommit(refused))).toBe(true);
  });

  it('is true when the group coordinator or a broker cannot be found (the broker is restarting)', () => {
    expect(isBrokerUnreachable(failedCommit(new CoordinatorNotFound('Failed to find group coordinator')))).toBe(true);
    expect(isBrokerUnreachable(new CoordinatorNotFound('Failed to find group coordinator'))).toBe(true);
    expect(isBrokerUnreachable(failedCommit(new BrokerNotFound('Broker 1 not found in the cached metadata')))).toBe(true);
  });

  it('is true for a closed connection and a request that timed out', () => {
    expect(isBrokerUnreachable(failedCommit(new ConnectionClosed('Closed connection', { host: '127.0.0.1', port: 9094 })))).toBe(true);
    const timedOut = new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out', { broker: '127.0.0.1:9094', clientId: 'app', correlationId: 7, createdAt: 0, sentAt: 0, pendingDuration: 0 });
    expect(isBrokerUnreachable(failedCommit(timedOut))).toBe(true);
  });

  it('is true for a socket reset, timeout or broken pipe under a generic error', () => {
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EPIPE']) {
      const socket = Object.assign(new Error(`write ${code}`), { code });
      expect(isBrokerUnreachable(new ApplicationFailedError('the consumer crashed', socket)), code).toBe(true);
    }
  });

  it("is true for the broker's answers while its coordinator or leader is away or still loading", () => {
    for (const [type, code] of [
      ['GROUP_LOAD_IN_PROGRESS', 14],
      ['GROUP_COORDINATOR_NOT_AVAILABLE', 15],
      ['NOT_COORDINATOR_FOR_GROUP', 16],
      ['LEADER_NOT_AVAILABLE', 5],
      ['NETWORK_EXCEPTION', 13],
    ] as const) {
      const answer = new ProtocolError({ message: `answer ${type}`, type, code, retriable: true });
      expect(isBrokerUnreachable(failedCommit(answer)), type).toBe(true);
    }
  });

  it('is false for a refused login or certificate, even when reported as a connection error', () => {
    const sasl = new SaslFailure('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');
    expect(isBrokerUnreachable(failedCommit(sasl))).toBe(false);
    expect(isBrokerUnreachable(connectionFailure('Connection error: unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe(false);
    expect(isBrokerUnreachable(connectionFailure(OPENSSL_ALERT('bad certificate', 42), 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'))).toBe(false);
    // A plain listener hanging up on a TLS hello is a reset socket, but retrying will not fix it.
    expect(isBrokerUnreachable(connectionFailure('Connection error: Client network socket disconnected before secure TLS connection was established', 'ECONNRESET'))).toBe(
      false,
    );
    const explained = explainConnectError(connectionFailure('Connection error: self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), tlsNoFiles);
    expect(isBrokerUnreachable(explained)).toBe(false);
  });

  it('is false for failures that are not about reaching the broker', () => {
    const fenced = new ProtocolError({ message: 'There is a newer producer with the same transactionalId which fences the current one', type: 'INVALID_PRODUCER_EPOCH', code: 47, retriable: false });
    expect(isBrokerUnreachable(failedCommit(fenced))).toBe(false);
    expect(isBrokerUnreachable(new ApplicationFailedError('processing t/0 failed: boom', new CdcStreamsError('boom', { code: 'PROCESSING' })))).toBe(false);
    expect(isBrokerUnreachable(new Error('Number of partitions is invalid'))).toBe(false);
    expect(isBrokerUnreachable('ECONNREFUSED')).toBe(false);
    expect(isBrokerUnreachable(undefined)).toBe(false);
  });
});
