import type { Batch, IHeaders } from 'kafkajs';
import { HEADER_PREFIX } from '../../common/constants.js';
import type { Headers } from '../../common/headers.js';
import type { InputRecord } from '../task/input-record.js';

/** Our own headers (control records, dead letters, late flags) come back from Kafka as bytes; they are text. */
export function toHeaders(headers: IHeaders | undefined): Headers {
  const result: Headers = {};
  if (headers === undefined) return result;
  for (const key in headers) {
    const raw = headers[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    result[key] = key.startsWith(HEADER_PREFIX) && Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return result;
}

/** A fetched batch as task input, skipping records below `from` (a fetch made before the task's position was known). */
export function toInputRecords(batch: Batch, from: bigint): InputRecord[] {
  const records: InputRecord[] = [];
  for (const m of batch.messages) {
    if (BigInt(m.offset) < from) continue;
    records.push({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key ?? null,
      value: m.value ?? null,
      timestamp: Number(m.timestamp),
      headers: toHeaders(m.headers),
    });
  }
  return records;
}

/**
 * CONCURRENT_TRANSACTIONS: the coordinator is still completing the producer's previous transaction.
 * The broker expects the client to retry; kafkajs does for most requests but not for AddOffsetsToTxn.
 */
export function isConcurrentTransactions(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'CONCURRENT_TRANSACTIONS';
}

/** Whether a producer error means another instance took over the task (its producer was fenced). */
export function isFencing(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message} ${String((error as { type?: unknown }).type ?? '')}` : String(error);
  return /fenced|PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|INVALID_PRODUCER_ID_MAPPING/i.test(text);
}
