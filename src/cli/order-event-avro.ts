import { CdcStreamsError, createTopologyEnvironment, type ExpectedEvent, type OutputOrderEvent, type Serde } from '../index.js';
import type { RawRecord } from '../runtime/kafka/tools/index.js';

/** `sale.OrderEvent` as the Avro serde hands it out: decimals are exact strings, longs numbers. */
export interface AvroOrderEvent {
  readonly orderId: string;
  readonly seq: number;
  readonly type: string;
  readonly status: string;
  readonly amount: string;
  readonly userId: string;
  readonly skuId: string;
  readonly occurredAt: number;
  readonly afterExpiry: boolean;
  readonly late: boolean;
  readonly payment: { readonly paymentId: string; readonly channel: string; readonly amount: string; readonly paidAt: number } | null;
  readonly source: { readonly serverId: string; readonly gtid: string; readonly file: string; readonly position: number };
}

export interface OrderEventDecoder {
  decode(record: RawRecord): Promise<AvroOrderEvent>;
}

const CONFLUENT_MAGIC = 0x00;

/** A record of the output topic that is not an order event this decoder can read. */
export class OrderEventDecodeError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'ORDER_EVENT_DECODE' });
  }
}

/**
 * Decodes order events in either Avro framing, chosen per record by its first byte: the registry wire
 * format (0x00 + schema id) needs a registry URL; single-object encoding (0xC3 0x01 + fingerprint)
 * resolves writers from the schemas folder alone.
 */
export async function createOrderEventDecoder(options: { schemasDir: string; schemaRegistryUrl?: string }): Promise<OrderEventDecoder> {
  const singleObject = (await createTopologyEnvironment({ schemasDir: options.schemasDir })).avro<AvroOrderEvent>('order-event');
  const registered: Serde<AvroOrderEvent> | undefined =
    options.schemaRegistryUrl === undefined
      ? undefined
      : (await createTopologyEnvironment({ schemasDir: options.schemasDir, schemaRegistryUrl: options.schemaRegistryUrl })).avro<AvroOrderEvent>(
          'order-event',
        );
  return {
    async decode(record) {
      const at = { topic: record.topic, partition: record.partition, offset: record.offset };
      const where = `${record.topic}/${record.partition}@${record.offset}`;
      if (record.value === null) throw new OrderEventDecodeError(`${where} has no value (a tombstone), not an order event`);
      if (record.value.length > 0 && record.value.readUInt8(0) === CONFLUENT_MAGIC) {
        if (registered === undefined) {
          throw new OrderEventDecodeError(`${where} is in the schema-registry wire format: pass --schema-registry <url> or set SCHEMA_REGISTRY_URL`);
        }
        await registered.prepare?.([record.value], record.topic);
        return registered.deserialize(record.value, at);
      }
      return singleObject.deserialize(record.value, at);
    },
  };
}

/** The verifier's input shape; Avro's string ids and number longs are among the forms it accepts. */
export function toOutputOrderEvent(e: AvroOrderEvent): OutputOrderEvent {
  return { ...e, payment: e.payment === null ? null : { ...e.payment }, source: { ...e.source } };
}

/** An expected event as the Avro value the topology would write (for tests and the demo's checks). */
export function avroOrderEventOf(e: ExpectedEvent): AvroOrderEvent {
  return { ...e, payment: e.payment === null ? null : { ...e.payment }, source: { ...e.source, position: Number(e.source.position) } };
}
