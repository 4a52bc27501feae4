import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTlsMaterial, type TlsMaterial } from '../../src/local-broker/tls-material.js';

// Runs openssl for real (a few milliseconds per key): what is checked is what Kafka and Node will accept.
let dir: string;
let material: TlsMaterial;
let other: TlsMaterial;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tls-material-test-'));
  material = await generateTlsMaterial(path.join(dir, 'a'), { clientCertificate: true });
  other = await generateTlsMaterial(path.join(dir, 'b'), { clientCertificate: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const certificate = async (file: string) => new X509Certificate(await readFile(file, 'utf8'));
const pemBlocks = (text: string) => [...text.matchAll(/-----BEGIN ([A-Z ]+)-----/g)].map((m) => m[1]);

describe('generateTlsMaterial', () => {
  it('makes a CA certificate that is a CA', async () => {
    const ca = await certificate(material.caFile);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it('writes the broker key store as a PKCS#8 key, the broker certificate for 127.0.0.1 and localhost, then the CA', async () => {
    const text = await readFile(material.brokerKeystoreFile, 'utf8');
    expect(pemBlocks(text)).toEqual(['PRIVATE KEY', 'CERTIFICATE', 'CERTIFICATE']);
    const broker = new X509Certificate(text);
    const ca = await certificate(material.caFile);
    expect(broker.ca).toBe(false);
    expect(broker.verify(ca.publicKey)).toBe(true);
    expect(broker.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(broker.checkHost('localhost')).toBe('localhost');
    expect(broker.checkPrivateKey(createPrivateKey(text))).toBe(true);
    expect(broker.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
  });

  it('makes a client certificate signed by the CA, with its unencrypted PKCS#8 key', async () => {
    const client = material.client;
    if (client === undefined) throw new Error('no client certificate was made');
    const cert = await certificate(client.certFile);
    const keyText = await readFile(client.keyFile, 'utf8');
    expect(pemBlocks(keyText)).toEqual(['PRIVATE KEY']);
    expect(cert.verify((await certificate(material.caFile)).publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(keyText))).toBe(true);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
  });

  it('makes a new CA each time, so another call\'s client certificate is not signed by it', async () => {
    const stranger = other.client;
    if (stranger === undefined) throw new Error('no client certificate was made');
    expect((await certificate(stranger.certFile)).verify((await certificate(material.caFile)).publicKey)).toBe(false);
  });

  it('makes no client certificate unless asked', async () => {
    const serverOnly = await generateTlsMaterial(path.join(dir, 'c'), { clientCertificate: false });
    expect(serverOnly.client).toBeUndefined();
  });
});
