import { CdcStreamsError } from '../common/errors.js';

/**
 * A store was used after `close()` (or while closing). A programming error in the caller, or an
 * iterator that outlived its store: the scan it belonged to is incomplete, so it fails loudly
 * instead of ending as if the range were exhausted.
 */
export class StoreClosedError extends CdcStreamsError {
  constructor(store: string, operation: string) {
    super(`store '${store}' is closed: cannot ${operation}`, { code: 'STORE_CLOSED' });
  }
}

/** The store could not be opened (bad directory, held lock, corrupt files). Names the path. */
export class StoreOpenError extends CdcStreamsError {
  constructor(store: string, path: string, cause: unknown) {
    super(`cannot open store '${store}' at ${path}: ${describeCause(cause)}`, { code: 'STORE_OPEN_FAILED', cause });
  }
}

/** A read, write or scan failed inside the storage engine. The task must fail and be restored. */
export class StoreIoError extends CdcStreamsError {
  constructor(store: string, operation: string, cause: unknown) {
    super(`store '${store}': ${operation} failed: ${describeCause(cause)}`, { code: 'STORE_IO', cause });
  }
}

/** A key or value could not be converted by the store's serde. Names the store and the key bytes. */
export class StoreSerdeError extends CdcStreamsError {
  constructor(store: string, what: string, keyBytes: Buffer | undefined, cause: unknown) {
    const at = keyBytes === undefined ? '' : ` (key 0x${previewHex(keyBytes)})`;
    super(`store '${store}': cannot ${what}${at}: ${describeCause(cause)}`, { code: 'STORE_SERDE', cause });
  }
}

/** The store was asked for something its state does not allow (e.g. restore with unflushed writes). */
export class StoreStateError extends CdcStreamsError {
  constructor(store: string, message: string) {
    super(`store '${store}': ${message}`, { code: 'STORE_STATE' });
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

// Keys can be large (composite keys with payloads); 64 bytes identify one without flooding logs.
function previewHex(bytes: Buffer): string {
  return bytes.length <= 64 ? bytes.toString('hex') : `${bytes.subarray(0, 64).toString('hex')}...`;
}
