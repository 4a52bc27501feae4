import type { Headers } from '../../common/headers.js';

/** A record as read from a topic partition, still in bytes. `topic` is the physical topic name. */
export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /**
   * For a record joined from pieces (a value too big for one Kafka message): the offset of its last
   * piece, while `offset` is its first. Reading it consumed everything through `endOffset`.
   */
  readonly endOffset?: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** A record a task writes: to an output, repartition, changelog or dead-letter topic. */
export interface OutputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}
