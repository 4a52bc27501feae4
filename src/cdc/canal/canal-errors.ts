import { CdcStreamsError } from '../../common/errors.js';

/** A Kafka record that is not a Canal flat message; never retriable, the record goes to the dead letters. */
export class CanalDecodeError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'CANAL_DECODE', retriable: false, cause });
  }
}
