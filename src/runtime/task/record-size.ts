import type { Headers } from '../../common/headers.js';

/** A v2 record batch header (61 bytes) plus a generous bound for one record's varints and attributes. */
const BATCH_AND_RECORD_OVERHEAD = 61 + 32;
/** Per header: varint lengths of its key and value. */
const HEADER_OVERHEAD = 10;

/** Bytes the headers take in a Kafka record. */
export function headersBytes(headers: Headers): number {
  let bytes = 0;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    bytes += HEADER_OVERHEAD + Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : value.length);
  }
  return bytes;
}

/**
 * An upper bound of the size of a record batch holding this one record, which is what a broker
 * compares with the topic's `max.message.bytes` (uncompressed, as cdc-streams produces).
 */
export function recordBatchBytes(key: Buffer | null, value: Buffer | null, headers: Headers): number {
  return BATCH_AND_RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0) + headersBytes(headers);
}
