import { CdcStreamsError, createTopologyEnvironment, type Serde } from '../index.js';
import type { RawRecord } from '../kafka-tools/index.js';

export interface AvroRecordDecoder<T> {
  decode(record: RawRecord): Promise<T>;
}

const CONFLUENT_MAGIC = 0x00;

/** A record of an output topic that this decoder cannot read as the Avro type it was made for. */
export class AvroRecordDecodeError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'AVRO_RECORD_DECODE' });
  }
}

/**
 * Decodes values of one Avro type (a schema in the schemas folder) in either framing, chosen per record
 * by its first byte: the registry wire format (0x00 + schema id) needs a registry URL; single-object
 * encoding (0xC3 0x01 + fingerprint) resolves writers from the schemas folder alone.
 */
export async function createAvroRecordDecoder<T>(type: string, options: { schemasDir: string; schemaRegistryUrl?: string }): Promise<AvroRecordDecoder<T>> {
  const singleObject = (await createTopologyEnvironment({ schemasDir: options.schemasDir })).avro<T>(type);
  const registered: Serde<T> | undefined =
    options.schemaRegistryUrl === undefined
      ? undefined
      : (await createTopologyEnvironment({ schemasDir: options.schemasDir, schemaRegistryUrl: options.schemaRegistryUrl })).avro<T>(type);
  return {
    async decode(record) {
      const at = { topic: record.topic, partition: record.partition, offset: record.offset };
      const where = `${record.topic}/${record.partition}@${record.offset}`;
      if (record.value === null) throw new AvroRecordDecodeError(`${where} has no value (a tombstone), not a ${type} record`);
      if (record.value.length > 0 && record.value.readUInt8(0) === CONFLUENT_MAGIC) {
        if (registered === undefined) {
          throw new AvroRecordDecodeError(`${where} is in the schema-registry wire format: pass --schema-registry <url> or set SCHEMA_REGISTRY_URL`);
        }
        await registered.prepare?.([record.value], record.topic);
        return registered.deserialize(record.value, at);
      }
      return singleObject.deserialize(record.value, at);
    },
  };
}
