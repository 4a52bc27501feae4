import { describe, expect, it } from 'vitest';
import { canonicalForm, crc64Avro, singleObjectFingerprint } from '../../../src/serde/avro/fingerprint.js';
import { loadAvroSchemas } from '../../../src/serde/avro/load-avro-schemas.js';
import { SCHEMAS_DIR } from './order-event-fixture.js';

// Golden values computed once with Apache Avro 1.12.0 for Java
// (SchemaNormalization.toParsingForm / parsingFingerprint64) from the same .avsc files.
const JAVA_PAYMENT_FORM =
  '{"name":"sale.Payment","type":"record","fields":[{"name":"paymentId","type":"string"},{"name":"channel","type":"string"},{"name":"amount","type":"bytes"},{"name":"paidAt","type":"long"}]}';
const JAVA_FINGERPRINTS = { 'sale.Payment': 0xf2077a2a753b1a67n, 'sale.SourceCoordinates': 0x6efe3f8f2efdad73n, 'sale.OrderEvent': 0xc3d6d9bf72d5bf2cn };

describe('single-object fingerprints', () => {
  it('match the Parsing Canonical Form and CRC-64-AVRO of the Java reference implementation', async () => {
    const schemas = await loadAvroSchemas(SCHEMAS_DIR);
    expect(canonicalForm(schemas.type('sale.Payment'))).toBe(JAVA_PAYMENT_FORM);
    for (const [name, expected] of Object.entries(JAVA_FINGERPRINTS)) {
      expect(crc64Avro(canonicalForm(schemas.type(name)))).toBe(expected);
    }
  });

  it('are written little-endian', async () => {
    const schemas = await loadAvroSchemas(SCHEMAS_DIR);
    expect(singleObjectFingerprint(schemas.type('sale.Payment')).toString('hex')).toBe('671a3b752a7a07f2');
  });
});
