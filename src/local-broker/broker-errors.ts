import { CdcStreamsError } from '../common/errors.js';

/** A broker address was given (KAFKA_BROKERS, a run record) but nothing there answers a metadata request. */
export class BrokerUnreachableError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'BROKER_UNREACHABLE', retriable: true, cause });
  }
}

/** None of the three ways to get a broker is available on this machine; the message lists them. */
export class NoBrokerAvailableError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'NO_BROKER_AVAILABLE' });
  }
}

/** The caller asked for a specific port and something else already listens there. */
export class PortTakenError extends CdcStreamsError {
  readonly port: number;

  constructor(host: string, port: number, cause?: unknown) {
    super(`port ${port} on ${host} is taken by another process; pick another port or stop that process`, {
      code: 'PORT_TAKEN',
      cause,
    });
    this.port = port;
  }
}

/** The local broker (or the Docker one) did not come up; the message carries the tail of its log. */
export class BrokerStartError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'BROKER_START_FAILED', cause });
  }
}

/** Maven could not fetch the Apache Kafka jars into the cache. */
export class KafkaJarsFetchError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'KAFKA_JARS_FETCH_FAILED', retriable: true, cause });
  }
}
