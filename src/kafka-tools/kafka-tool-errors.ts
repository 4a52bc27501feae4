import { CdcStreamsError } from '../common/errors.js';

/** A topic, group or write that a command-line tool needed and Kafka refused or did not have. */
export class KafkaToolError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'KAFKA_TOOL', cause });
  }
}
