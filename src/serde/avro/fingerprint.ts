import type avro from 'avsc';

const EMPTY = 0xc15d213aa4d7a795n;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j += 1) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  return fp;
});

/** CRC-64-AVRO (Rabin) of `text`'s UTF-8 bytes, as the Avro specification defines it. */
export function crc64Avro(text: string): bigint {
  let fp = EMPTY;
  for (const byte of Buffer.from(text, 'utf8')) {
    fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] ?? 0n);
  }
  return fp;
}

/**
 * The Parsing Canonical Form of a type. avsc's `schema()` without `exportAttrs` already is that form:
 * full names, no docs, aliases, defaults or logical types, attributes in canonical order.
 */
export function canonicalForm(type: avro.Type): string {
  return JSON.stringify(type.schema());
}

/** The 8-byte little-endian fingerprint single-object encoding puts after its 0xC3 0x01 marker. */
export function singleObjectFingerprint(type: avro.Type): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(crc64Avro(canonicalForm(type)));
  return out;
}
