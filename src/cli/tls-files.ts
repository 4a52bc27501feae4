import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliUsageError } from './cli-errors.js';

/** The TLS files named on the command line, as paths. */
export interface TlsFileFlags {
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** Node's messages name the OpenSSL routine on a second line; the first says what is wrong. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}

function readFlagFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`${flag} '${file}': cannot read it (${firstLine(error)})`, error);
  }
}

function certificate(flag: string, file: string): X509Certificate {
  const text = readFlagFile(flag, file);
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CliUsageError(`${flag} '${file}': not a PEM certificate (no -----BEGIN CERTIFICATE----- line)`);
  }
  try {
    return new X509Certificate(text);
  } catch (error) {
    throw new CliUsageError(`${flag} '${file}': not a valid PEM certificate (${firstLine(error)})`, error);
  }
}

function privateKey(flag: string, file: string): KeyObject {
  const text = readFlagFile(flag, file);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new CliUsageError(`${flag} '${file}': not a PEM private key (no -----BEGIN ... PRIVATE KEY----- line)`);
  }
  const encrypted = (cause?: unknown) =>
    new CliUsageError(`${flag} '${file}': the key is encrypted; give an unencrypted one (openssl pkey -in ${file} -out plain.key)`, cause);
  // PKCS#8 says so in its header, the traditional format in a Proc-Type line.
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /^Proc-Type: 4,ENCRYPTED/m.test(text)) throw encrypted();
  try {
    return createPrivateKey(text);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_MISSING_PASSPHRASE') throw encrypted(error);
    throw new CliUsageError(`${flag} '${file}': not a valid PEM private key (${firstLine(error)})`, error);
  }
}

/**
 * Reads and parses the CA, client certificate and key files before anything connects, so a wrong path,
 * a file of the wrong kind, an encrypted key or a key that does not belong to the certificate is one
 * usage error naming the flag and the file — not a TLS failure at the first connection.
 */
export function checkTlsFiles(flags: TlsFileFlags): void {
  if (flags.tlsCert !== undefined && flags.tlsKey === undefined) throw new CliUsageError('--tls-cert needs --tls-key (the certificate\'s private key)');
  if (flags.tlsKey !== undefined && flags.tlsCert === undefined) throw new CliUsageError('--tls-key needs --tls-cert (the client certificate)');
  if (flags.tlsCa !== undefined) certificate('--tls-ca', flags.tlsCa);
  if (flags.tlsCert === undefined || flags.tlsKey === undefined) return;
  const cert = certificate('--tls-cert', flags.tlsCert);
  const key = privateKey('--tls-key', flags.tlsKey);
  if (!cert.checkPrivateKey(key)) {
    throw new CliUsageError(`--tls-key '${flags.tlsKey}' is not the private key of --tls-cert '${flags.tlsCert}'`);
  }
}
