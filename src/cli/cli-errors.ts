import { CdcStreamsError } from '../index.js';

/** A bad flag value or a missing required setting, found after commander parsed the line; exits 2. */
export class CliUsageError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'CLI_USAGE', cause });
  }
}
