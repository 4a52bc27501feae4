import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BrokerStartError } from './broker-errors.js';
import { runCommand, tail } from './run-command.js';

/** PEM files for a secured local broker and its clients, all under one folder. */
export interface TlsMaterial {
  /** The CA's certificate: clients trust the broker through it, the broker trusts client certificates through it. */
  readonly caFile: string;
  /** The broker's key (PKCS#8) followed by its certificate and the CA's: Kafka's PEM key store. */
  readonly brokerKeystoreFile: string;
  /** A client certificate signed by the CA, and its unencrypted PKCS#8 key; present when asked for. */
  readonly client?: { readonly certFile: string; readonly keyFile: string };
}

const OPENSSL_TIMEOUT_MS = 30_000;
/** Long enough for a `kafka start` broker left running for months; the folder goes when the broker stops. */
const VALID_DAYS = 825;

// Our own configuration, so the result does not depend on the system's openssl.cnf. The broker's
// certificate names 127.0.0.1 and localhost, where the local broker listens, so clients verify the
// host name as they would against a managed cluster.
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = cdc-streams
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[broker_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

// P-256 keys: openssl makes them in milliseconds (RSA 2048 takes a noticeable part of a second on a
// busy machine), and both Java and Node accept them.
const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function openssl(args: readonly string[], what: string): Promise<void> {
  const result = await runCommand('openssl', args, { timeoutMs: OPENSSL_TIMEOUT_MS });
  if (result.spawnError !== undefined) {
    throw new BrokerStartError(
      `openssl is needed to make the secured broker's certificates and could not be run (${result.spawnError.message}); install it (Debian: apt-get install openssl)`,
      result.spawnError,
    );
  }
  if (result.exitCode !== 0) {
    const why = result.timedOut ? `timed out after ${OPENSSL_TIMEOUT_MS / 1000} s` : `exited with ${String(result.exitCode)}`;
    throw new BrokerStartError(`openssl failed making ${what} (${why}):\n${tail(result.output, 20)}`);
  }
}

/** Rewrites a key file as unencrypted PKCS#8 PEM, the one private key form Kafka's PEM key store reads. */
async function toPkcs8(keyFile: string): Promise<string> {
  const pkcs8 = createPrivateKey(await readFile(keyFile, 'utf8')).export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeFile(keyFile, pkcs8, { mode: 0o600 });
  return pkcs8;
}

const serial = (): string => `0x${randomBytes(16).toString('hex').replace(/^[89a-f]/, '7')}`;

/** Makes a key and a certificate for `commonName`, signed by the CA in `dir`, with the extensions of `section`. */
async function issue(dir: string, configFile: string, name: string, commonName: string, section: string): Promise<{ certFile: string; keyFile: string }> {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  const requestFile = path.join(dir, `${name}.csr`);
  await openssl(['req', '-new', '-config', configFile, ...NEW_EC_KEY, '-keyout', keyFile, '-out', requestFile, '-subj', `/CN=${commonName}`], `the ${name} key`);
  await openssl(
    [
      'x509', '-req', '-in', requestFile, '-CA', path.join(dir, 'ca.pem'), '-CAkey', path.join(dir, 'ca.key'),
      '-set_serial', serial(), '-days', String(VALID_DAYS), '-extfile', configFile, '-extensions', section, '-out', certFile,
    ],
    `the ${name} certificate`,
  );
  await rm(requestFile);
  return { certFile, keyFile };
}

/**
 * A fresh CA, a broker certificate for 127.0.0.1/localhost signed by it and, when asked for, a client
 * certificate signed by it, made with `openssl` into `dir`. Each call makes a new CA, so the client
 * certificate of one call is untrusted by a broker set up with another's.
 */
export async function generateTlsMaterial(dir: string, options: { readonly clientCertificate: boolean }): Promise<TlsMaterial> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, 'openssl.cnf');
  await writeFile(configFile, OPENSSL_CONFIG);
  const caFile = path.join(dir, 'ca.pem');
  await openssl(
    ['req', '-x509', '-config', configFile, '-extensions', 'ca_ext', ...NEW_EC_KEY, '-keyout', path.join(dir, 'ca.key'), '-out', caFile,
      '-days', String(VALID_DAYS), '-subj', '/CN=cdc-streams local CA'],
    'the CA',
  );
  const broker = await issue(dir, configFile, 'broker', 'localhost', 'broker_ext');
  const brokerKey = await toPkcs8(broker.keyFile);
  const brokerKeystoreFile = path.join(dir, 'broker-keystore.pem');
  const chain = [brokerKey, await readFile(broker.certFile, 'utf8'), await readFile(caFile, 'utf8')].map((pem) => pem.trimEnd() + '\n');
  await writeFile(brokerKeystoreFile, chain.join(''), { mode: 0o600 });
  if (!options.clientCertificate) return { caFile, brokerKeystoreFile };
  const client = await issue(dir, configFile, 'client', 'cdc-streams-client', 'client_ext');
  await toPkcs8(client.keyFile);
  return { caFile, brokerKeystoreFile, client };
}
