import { ConfigError } from '../common/errors.js';

/** A user the secured broker knows from its first start, with credentials for both SCRAM mechanisms. */
export interface ScramUser {
  readonly username: string;
  readonly password: string;
}

/** Which secured listeners to add beside the plain one; at least one of the two. */
export interface BrokerSecurityOptions {
  /** Adds a SASL_SSL listener that accepts these users with SCRAM-SHA-256 and SCRAM-SHA-512. */
  readonly scramUsers?: readonly ScramUser[];
  /**
   * Adds an SSL listener that requires a client certificate signed by the run's CA (mutual TLS), and
   * writes one such client certificate with its key.
   */
  readonly mutualTls?: boolean;
}

export const SCRAM_MECHANISMS = ['scram-sha-256', 'scram-sha-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** How clients reach the secured listeners. The files live in the broker's temporary folder and go with it. */
export interface SecuredListeners {
  /** PEM of the run's CA: it signed the broker's certificate and the client certificate. */
  readonly caFile: string;
  readonly saslSsl?: {
    readonly brokers: string;
    readonly mechanisms: readonly ScramMechanism[];
    readonly users: readonly ScramUser[];
  };
  readonly mutualTls?: {
    readonly brokers: string;
    /** A client certificate (PEM) the broker accepts, and its unencrypted PKCS#8 key. */
    readonly certFile: string;
    readonly keyFile: string;
  };
}

/** Where the broker's key material lives, as the server properties name it. */
export interface BrokerTlsFiles {
  /** Private key (PKCS#8) followed by the certificate chain, Kafka's PEM key store format. */
  readonly keystoreFile: string;
  /** The CA's certificate: whom the broker trusts for client certificates. */
  readonly truststoreFile: string;
}

export interface SecuredPorts {
  readonly saslSslPort?: number;
  readonly mutualTlsPort?: number;
}

// kafka-storage's `--add-scram` syntax is `MECHANISM=[name=...,password=...]`; characters outside this set
// would need its quoting rules, which a throwaway local broker does not need.
const SCRAM_VALUE = /^[A-Za-z0-9._~@+-]+$/;

/** Rejects options that would start a broker with nothing secured, or a user the format tool would misread. */
export function validateSecurity(security: BrokerSecurityOptions): void {
  const users = security.scramUsers ?? [];
  if (users.length === 0 && security.mutualTls !== true) {
    throw new ConfigError('a secured broker needs SCRAM users (a SASL_SSL listener), mutual TLS (an SSL listener), or both');
  }
  const seen = new Set<string>();
  for (const user of users) {
    if (!SCRAM_VALUE.test(user.username)) {
      throw new ConfigError(`SCRAM user name '${user.username}' may only hold letters, digits and . _ ~ @ + -`);
    }
    if (!SCRAM_VALUE.test(user.password)) {
      throw new ConfigError(`the password of SCRAM user '${user.username}' may only hold letters, digits and . _ ~ @ + -`);
    }
    if (seen.has(user.username)) throw new ConfigError(`SCRAM user '${user.username}' is given twice`);
    seen.add(user.username);
  }
}

/** `kafka-storage format` arguments that create every user for both mechanisms in the new cluster's metadata. */
export function scramFormatArgs(users: readonly ScramUser[]): string[] {
  return users.flatMap((user) =>
    SCRAM_MECHANISMS.flatMap((mechanism) => ['--add-scram', `${mechanism.toUpperCase()}=[name=${user.username},password=${user.password}]`]),
  );
}

/**
 * The listeners a secured broker adds, as `[name, port]`: SASL_SSL for SCRAM users, SSL for mutual TLS.
 * Each listener is named after its security protocol.
 */
export function securedListenerPorts(ports: SecuredPorts): Array<readonly ['SASL_SSL' | 'SSL', number]> {
  const listeners: Array<readonly ['SASL_SSL' | 'SSL', number]> = [];
  if (ports.saslSslPort !== undefined) listeners.push(['SASL_SSL', ports.saslSslPort]);
  if (ports.mutualTlsPort !== undefined) listeners.push(['SSL', ports.mutualTlsPort]);
  return listeners;
}

/**
 * Server properties for the secured listeners. Both read the broker's key and certificate from PEM
 * files (Kafka reads PEM since 2.7, so no Java key store is needed); only the SSL listener asks for a
 * client certificate. The SCRAM login module needs no options on the server side: the credentials
 * are in the cluster metadata, written when the storage was formatted.
 */
export function securityProperties(ports: SecuredPorts, files: BrokerTlsFiles): Array<readonly [string, string]> {
  const properties: Array<readonly [string, string]> = [
    ['ssl.keystore.type', 'PEM'],
    ['ssl.keystore.location', files.keystoreFile],
    ['ssl.truststore.type', 'PEM'],
    ['ssl.truststore.location', files.truststoreFile],
  ];
  if (ports.saslSslPort !== undefined) {
    properties.push(['listener.name.sasl_ssl.sasl.enabled.mechanisms', SCRAM_MECHANISMS.map((m) => m.toUpperCase()).join(',')]);
    for (const mechanism of SCRAM_MECHANISMS) {
      properties.push([`listener.name.sasl_ssl.${mechanism}.sasl.jaas.config`, 'org.apache.kafka.common.security.scram.ScramLoginModule required;']);
    }
  }
  if (ports.mutualTlsPort !== undefined) properties.push(['listener.name.ssl.ssl.client.auth', 'required']);
  return properties;
}
