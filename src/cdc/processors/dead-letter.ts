import { deadLetterHeaders } from '../../common/dead-letter-headers.js';
import type { Headers } from '../../common/headers.js';
import type { StreamRecord } from '../../processor/stream-record.js';

/** A raw input message as it came, kept so it can be dead-lettered byte for byte. */
export interface RawMessage {
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** The raw message with the dead-letter headers naming where it came from and why it was set aside. */
export function deadLetterRecord(
  message: RawMessage,
  at: { readonly topic: string; readonly partition: number; readonly offset: string },
  error: Error,
): StreamRecord<Buffer | null, Buffer> {
  return {
    key: message.key,
    value: message.value,
    timestamp: message.timestamp,
    headers: deadLetterHeaders(message.headers, at, error.constructor.name, error.message),
  };
}
