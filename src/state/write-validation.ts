import type { BytesWrite } from './bytes-store.js';
import { CdcStreamsError } from '../common/errors.js';

/** A batch held something other than Buffers; nothing of it was applied. */
export class InvalidWriteError extends CdcStreamsError {
  constructor(store: string, index: number, what: string) {
    super(`store '${store}': write ${index} of the batch has ${what}; nothing of the batch was applied`, { code: 'STORE_INVALID_WRITE' });
  }
}

/**
 * Checks a whole batch before any of it is applied, so a bad entry rejects the batch instead of
 * leaving part of it written (the in-memory store has no transaction to roll back).
 */
export function validateWrites(store: string, writes: readonly BytesWrite[], metadata?: ReadonlyMap<string, Buffer>): void {
  for (let i = 0; i < writes.length; i++) {
    const write = writes[i] as BytesWrite;
    if (!Buffer.isBuffer(write.key)) throw new InvalidWriteError(store, i, 'a key that is not a Buffer');
    if (write.value !== null && !Buffer.isBuffer(write.value)) throw new InvalidWriteError(store, i, 'a value that is neither a Buffer nor null');
  }
  if (metadata !== undefined) {
    for (const [name, value] of metadata) {
      if (!Buffer.isBuffer(value)) throw new InvalidWriteError(store, writes.length, `metadata '${name}' that is not a Buffer`);
    }
  }
}
