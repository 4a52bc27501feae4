import { CdcStreamsError } from '../common/errors.js';

/** The ops server could not listen (port taken, bad host); names the address. */
export class OpsServerListenError extends CdcStreamsError {
  constructor(host: string, port: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`ops server cannot listen on ${host}:${port}: ${reason}`, { code: 'OPS_SERVER_LISTEN', cause });
  }
}
