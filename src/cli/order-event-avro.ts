import type { ExpectedEvent, OutputOrderEvent } from '../sim/index.js';
import { createAvroRecordDecoder, type AvroRecordDecoder } from './avro-record-decoder.js';

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

export type OrderEventDecoder = AvroRecordDecoder<AvroOrderEvent>;

/** Decodes `sale.OrderEvent` values in either Avro framing (see `createAvroRecordDecoder`). */
export function createOrderEventDecoder(options: { schemasDir: string; schemaRegistryUrl?: string }): Promise<OrderEventDecoder> {
  return createAvroRecordDecoder<AvroOrderEvent>('order-event', options);
}

/** The verifier's input shape; Avro's string ids and number longs are among the forms it accepts. */
export function toOutputOrderEvent(e: AvroOrderEvent): OutputOrderEvent {
  return { ...e, payment: e.payment === null ? null : { ...e.payment }, source: { ...e.source } };
}

/** An expected event as the Avro value the topology would write (for tests and the demo's checks). */
export function avroOrderEventOf(e: ExpectedEvent): AvroOrderEvent {
  return { ...e, payment: e.payment === null ? null : { ...e.payment }, source: { ...e.source, position: Number(e.source.position) } };
}
