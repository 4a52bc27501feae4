import type avro from 'avsc';
import type { Serde, SerdeContext } from '../serde.js';
import { SerdeNotInitializedError } from '../serde-errors.js';
import type { SchemaRegistryClient } from '../registry/schema-registry-client.js';
import { type SubjectNameStrategy, subjectName } from '../registry/subject-name-strategy.js';
import { TruncatedAvroError, UnknownSchemaIdError, WrongMagicByteError } from './avro-errors.js';
import { findIncompatibilities, formatIncompatibilities } from './avro-compatibility.js';
import type { AvroSchemaCatalog } from './avro-schema-catalog.js';
import { assertMatchesSchema } from './avro-value-check.js';
import { decodeAvroBody } from './decode-avro-body.js';

const MAGIC = 0;
const HEADER = 5;

/** How records written with one registry id are read: with a resolver, or why they cannot be. */
type WriterEntry = { readonly resolver: avro.Resolver | undefined } | { readonly problem: string };

export interface ConfluentAvroSerdeOptions {
  readonly schemas: AvroSchemaCatalog;
  readonly typeName: string;
  readonly registry: SchemaRegistryClient;
  readonly isKey?: boolean;
  readonly subjectNameStrategy?: SubjectNameStrategy;
}

/**
 * Avro in the Confluent wire format: 0x00, the writer's registry id (4 bytes big-endian), the body.
 * `init(topic)` registers the reader schema under the topic's subject; `prepare(batch)` fetches the
 * writer schemas of ids it has not seen, so `deserialize` stays synchronous and any registered
 * version resolves into the reader schema.
 */
export class ConfluentAvroSerde<T> implements Serde<T> {
  readonly name: string;
  private readonly reader: avro.Type;
  private readonly schemaText: string;
  private readonly headers = new Map<string, Buffer>();
  private readonly writers = new Map<number, WriterEntry>();

  constructor(private readonly options: ConfluentAvroSerdeOptions) {
    this.reader = options.schemas.type(options.typeName);
    this.name = `avro(${this.reader.name ?? options.typeName})`;
    this.schemaText = JSON.stringify(this.reader.schema({ exportAttrs: true }));
  }

  async init(topic: string): Promise<void> {
    const subject = subjectName(
      this.options.subjectNameStrategy ?? 'topic',
      topic,
      this.reader.name ?? this.options.typeName,
      this.options.isKey ?? false,
    );
    const id = await this.options.registry.register(subject, this.schemaText);
    const header = Buffer.alloc(HEADER);
    header.writeUInt8(MAGIC, 0);
    header.writeInt32BE(id, 1);
    this.headers.set(topic, header);
    this.writers.set(id, { resolver: undefined });
  }

  async prepare(batch: readonly Buffer[], _topic: string): Promise<void> {
    const missing = new Set<number>();
    for (const data of batch) {
      // Malformed records are left for deserialize, which names their coordinates.
      if (data.length < HEADER || data.readUInt8(0) !== MAGIC) continue;
      const id = data.readInt32BE(1);
      if (!this.writers.has(id)) missing.add(id);
    }
    for (const id of missing) this.writers.set(id, await this.writerEntry(id));
  }

  serialize(value: T, context: SerdeContext): Buffer {
    const header = this.headers.get(context.topic);
    if (header === undefined) throw new SerdeNotInitializedError(this.name, context.topic);
    assertMatchesSchema(this.reader, value, context);
    return Buffer.concat([header, this.reader.toBuffer(value)]);
  }

  deserialize(data: Buffer, context: SerdeContext): T {
    if (data.length === 0) throw new TruncatedAvroError('empty record', context);
    const magic = data.readUInt8(0);
    if (magic !== MAGIC) throw new WrongMagicByteError('0x00 (Confluent wire format)', `0x${magic.toString(16).padStart(2, '0')}`, context);
    if (data.length < HEADER) throw new TruncatedAvroError(`header needs ${HEADER} bytes, got ${data.length}`, context);
    const id = data.readInt32BE(1);
    const writer = this.writers.get(id);
    if (writer === undefined) throw new UnknownSchemaIdError(id, 'not prepared; call prepare(batch) before deserialize', context);
    if ('problem' in writer) throw new UnknownSchemaIdError(id, writer.problem, context);
    return decodeAvroBody<T>(this.reader, writer.resolver, data, HEADER, context);
  }

  private async writerEntry(id: number): Promise<WriterEntry> {
    const text = await this.options.registry.schemaById(id);
    if (text === undefined) return { problem: 'the registry has no schema with this id' };
    let writer: avro.Type;
    try {
      writer = this.options.schemas.parseDetached({ origin: `registry id ${id}`, schema: JSON.parse(text) as unknown });
    } catch (error) {
      return { problem: `its schema cannot be parsed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (writer.equals(this.reader)) return { resolver: undefined };
    const incompatible = findIncompatibilities(this.reader, writer);
    if (incompatible.length > 0) {
      return { problem: `written with ${writer.name ?? 'a schema'} that ${this.name} cannot read: ${formatIncompatibilities(incompatible)}` };
    }
    return { resolver: this.reader.createResolver(writer) };
  }
}
