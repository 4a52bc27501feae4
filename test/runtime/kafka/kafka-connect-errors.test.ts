import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { connectExplained, explainConnectError, KafkaAuthenticationError, KafkaTlsError } from '../../../src/runtime/kafka/kafka-connect-errors.js';
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
