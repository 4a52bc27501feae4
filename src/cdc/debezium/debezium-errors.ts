import { CdcStreamsError } from '../../common/errors.js';

/**
 * A Kafka record that is not a Debezium change event, transaction-metadata event or heartbeat this
 * decoder understands. Never retriable: the same bytes fail the same way, so the caller sends the
 * record to the dead-letter topic and carries on. The message names the record's coordinates and,
 * where there is one, the field or column.
 */
export class DebeziumDecodeError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'DEBEZIUM_DECODE', retriable: false, cause });
  }
}
