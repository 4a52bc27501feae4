import { CdcStreamsError } from '../../common/errors.js';

/**
 * One registry request failed. `retriable` for network errors, timeouts, 429 and 5xx answers; a 4xx
 * answer (bad schema, unknown subject) would fail the same way again.
 */
export class SchemaRegistryRequestError extends CdcStreamsError {
  readonly status: number | undefined;

  constructor(request: string, status: number | undefined, detail: string, cause?: unknown) {
    const retriable = status === undefined || status === 408 || status === 429 || status >= 500;
    super(`schema registry ${request} failed${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`, {
      code: 'SCHEMA_REGISTRY_REQUEST',
      retriable,
      cause,
    });
    this.status = status;
  }
}

/** The registry did not answer after all retries; the task must fail loudly rather than skip records. */
export class SchemaRegistryUnavailableError extends CdcStreamsError {
  constructor(url: string, request: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`schema registry ${url} unreachable (${request}): ${reason}`, {
      code: 'SCHEMA_REGISTRY_UNAVAILABLE',
      retriable: false,
      cause,
    });
  }
}

/** The registry refused a schema as incompatible with the subject's earlier versions (HTTP 409). */
export class IncompatibleSchemaError extends CdcStreamsError {
  constructor(request: string, detail: string, cause?: unknown) {
    super(`schema registry refused ${request}: incompatible with the registered versions: ${detail}`, {
      code: 'SCHEMA_INCOMPATIBLE',
      cause,
    });
  }
}
