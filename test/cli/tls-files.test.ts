import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/cli-errors.js';
import { checkTlsFiles } from '../../src/cli/tls-files.js';
import { generateTlsMaterial, type TlsMaterial } from '../../src/local-broker/tls-material.js';

type WithClient = TlsMaterial & { client: NonNullable<TlsMaterial['client']> };

let dir: string;
let mine: WithClient;
let other: WithClient;
let notPem: string;
let encryptedKey: string;
let encryptedTraditionalKey: string;

async function material(name: string): Promise<WithClient> {
  const made = await generateTlsMaterial(path.join(dir, name), { clientCertificate: true });
  if (made.client === undefined) throw new Error('no client certificate was made');
  return { ...made, client: made.client };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tls-files-test-'));
  mine = await material('mine');
  other = await material('other');
  notPem = path.join(dir, 'notes.txt');
  await writeFile(notPem, 'not a certificate\n');
  encryptedKey = path.join(dir, 'encrypted.key');
  execFileSync('openssl', ['pkey', '-in', mine.client.keyFile, '-aes256', '-passout', 'pass:secret', '-out', encryptedKey]);
  encryptedTraditionalKey = path.join(dir, 'encrypted-ec.key');
  execFileSync('openssl', ['ec', '-in', mine.client.keyFile, '-aes256', '-passout', 'pass:secret', '-out', encryptedTraditionalKey], { stdio: 'ignore' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The one-line message checkTlsFiles throws, or undefined when the files pass. */
function problem(flags: Parameters<typeof checkTlsFiles>[0]): string | undefined {
  try {
    checkTlsFiles(flags);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
}

describe('checkTlsFiles', () => {
  it('accepts a CA, and a client certificate with its own key', () => {
    expect(problem({ tlsCa: mine.caFile, tlsCert: mine.client.certFile, tlsKey: mine.client.keyFile })).toBeUndefined();
    expect(problem({})).toBeUndefined();
  });

  it('wants the certificate and the key together', () => {
    expect(problem({ tlsCert: mine.client.certFile })).toBe("--tls-cert needs --tls-key (the certificate's private key)");
    expect(problem({ tlsKey: mine.client.keyFile })).toBe('--tls-key needs --tls-cert (the client certificate)');
  });

  it('names the flag and the file that cannot be read', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(problem({ tlsCert: missing, tlsKey: mine.client.keyFile })).toBe(
      `--tls-cert '${missing}': cannot read it (ENOENT: no such file or directory, open '${missing}')`,
    );
  });

  it('refuses a file that is not a PEM certificate, or a certificate given as the key', () => {
    expect(problem({ tlsCa: notPem })).toBe(`--tls-ca '${notPem}': not a PEM certificate (no -----BEGIN CERTIFICATE----- line)`);
    expect(problem({ tlsCa: mine.client.keyFile })).toMatch(/^--tls-ca '.*client\.key': not a PEM certificate/);
    expect(problem({ tlsCert: mine.client.certFile, tlsKey: mine.client.certFile })).toMatch(/^--tls-key '.*client\.pem': not a PEM private key/);
  });

  it('refuses an encrypted key (PKCS#8 or the traditional format), saying how to decrypt it', () => {
    for (const key of [encryptedKey, encryptedTraditionalKey]) {
      expect(problem({ tlsCert: mine.client.certFile, tlsKey: key })).toBe(
        `--tls-key '${key}': the key is encrypted; give an unencrypted one (openssl pkey -in ${key} -out plain.key)`,
      );
    }
  });

  it('refuses a key that belongs to another certificate', () => {
    expect(problem({ tlsCert: mine.client.certFile, tlsKey: other.client.keyFile })).toBe(
      `--tls-key '${other.client.keyFile}' is not the private key of --tls-cert '${mine.client.certFile}'`,
    );
  });
});
