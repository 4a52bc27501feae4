/**
 * The base of every error cdc-streams throws. `code` is stable (safe to match on), `retriable` says
 * whether trying the same operation again may succeed, `cause` keeps the underlying error.
 */
export class CdcStreamsError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(message: string, options: { code: string; retriable?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable ?? false;
  }
}

/** Where a record came from; error messages name it so an operator can find the bytes. */
export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function describeCoordinates(at: RecordCoordinates | undefined): string {
  return at === undefined ? 'unknown position' : `${at.topic}/${at.partition}@${at.offset}`;
}

/** A configuration or topology that cannot work; thrown before anything connects. */
export class ConfigError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'CONFIG', cause });
  }
}
