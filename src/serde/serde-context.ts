import { describeCoordinates } from '../common/errors.js';
import type { SerdeContext } from './serde.js';

/** `topic/partition@offset` when the record has been read from Kafka, `topic` when it is being written. */
export function describeSerdeContext(context: SerdeContext): string {
  const { topic, partition, offset } = context;
  if (partition !== undefined && offset !== undefined) return describeCoordinates({ topic, partition, offset });
  return partition === undefined ? `topic ${topic}` : `${topic}/${partition}`;
}
