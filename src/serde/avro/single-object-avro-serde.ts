import type avro from 'avsc';
import type { Serde, SerdeContext } from '../serde.js';
import {
  IncompatibleWriterSchemaError,
  TruncatedAvroError,
  UnknownSchemaFingerprintError,
  WrongMagicByteError,
} from './avro-errors.js';
import { findIncompatibilities, formatIncompatibilities } from './avro-compatibility.js';
import type { AvroSchemaCatalog } from './avro-schema-catalog.js';
import { assertMatchesSchema } from './avro-value-check.js';
import { decodeAvroBody } from './decode-avro-body.js';
import { singleObjectFingerprint } from './fingerprint.js';

const MARKER = Buffer.from([0xc3, 0x01]);
const HEADER = MARKER.length + 8;

type WriterEntry = { readonly resolver: avro.Resolver | undefined } | { readonly problem: string; readonly writer: string };

/**
 * Avro single-object encoding, for when no registry is configured: 0xC3 0x01, the writer schema's
 * CRC-64-AVRO fingerprint (8 bytes little-endian), the body. Writers are found by fingerprint among
 * the schemas of `schemas/` and `schemas/history/`, and resolved into the reader schema.
 */
export class SingleObjectAvroSerde<T> implements Serde<T> {
  readonly name: string;
  private readonly reader: avro.Type;
  private readonly header: Buffer;
  private readonly writers = new Map<string, WriterEntry>();

  constructor(private readonly schemas: AvroSchemaCatalog, typeName: string) {
    this.reader = schemas.type(typeName);
    this.name = `avro(${this.reader.name ?? typeName})`;
    const fingerprint = singleObjectFingerprint(this.reader);
    this.header = Buffer.concat([MARKER, fingerprint]);
    this.writers.set(fingerprint.toString('hex'), { resolver: undefined });
  }

  serialize(value: T, context: SerdeContext): Buffer {
    assertMatchesSchema(this.reader, value, context);
    return Buffer.concat([this.header, this.reader.toBuffer(value)]);
  }

  deserialize(data: Buffer, context: SerdeContext): T {
    for (let i = 0; i < MARKER.length; i += 1) {
      if (i >= data.length) throw new TruncatedAvroError('empty record', context);
      if (data.readUInt8(i) !== MARKER.readUInt8(i)) {
        throw new WrongMagicByteError('0xc3 0x01 (Avro single-object encoding)', `0x${data.subarray(0, 2).toString('hex')}`, context);
      }
    }
    if (data.length < HEADER) throw new TruncatedAvroError(`header needs ${HEADER} bytes, got ${data.length}`, context);
    const fingerprint = data.toString('hex', MARKER.length, HEADER);
    const writer = this.writers.get(fingerprint) ?? this.writerEntry(fingerprint, context);
    if ('problem' in writer) throw new IncompatibleWriterSchemaError(writer.writer, this.name, writer.problem, context);
    return decodeAvroBody<T>(this.reader, writer.resolver, data, HEADER, context);
  }

  private writerEntry(fingerprint: string, context: SerdeContext): WriterEntry {
    const writer = this.schemas.writerByFingerprint(fingerprint);
    // Unknown fingerprints are not cached: random bytes must not grow the map without bound.
    if (writer === undefined) throw new UnknownSchemaFingerprintError(fingerprint, context);
    const incompatible = findIncompatibilities(this.reader, writer);
    const entry: WriterEntry =
      incompatible.length > 0
        ? { problem: formatIncompatibilities(incompatible), writer: `${writer.name ?? 'schema'} (fingerprint ${fingerprint})` }
        : { resolver: this.reader.createResolver(writer) };
    this.writers.set(fingerprint, entry);
    return entry;
  }
}
