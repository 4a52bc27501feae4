import type { RecordCoordinates } from '../../common/errors.js';
import type { RawMessage } from '../processors/dead-letter.js';
import type { ShardProgress } from '../watermarks/shard-progress.js';

/** A raw input message to set aside, and why: the source processor sends it to the dead-letter topic. */
export interface RejectedMessage {
  readonly raw: RawMessage;
  /** The offset the message had on its input partition. */
  readonly offset: string;
  readonly error: Error;
}

/** What one input message yielded. */
export interface ReadResult<Out> {
  /** Items to forward, in source order (committed change events, or what a later step groups). */
  readonly items: readonly Out[];
  /** Progress this partition has made per shard (none for a format that announces it elsewhere). */
  readonly progress: readonly ShardProgress[];
  readonly rejected: readonly RejectedMessage[];
}

/**
 * The format-specific part of a CDC source: reads the raw messages of ONE input partition, in order.
 * It may keep state in memory (an open chunk group, open transactions); `heldOffset()` names the
 * earliest input offset that state still needs, and the source processor keeps the committed offset
 * there, so a crash re-reads it (rewind, not persist).
 */
export interface PartitionReader<Out> {
  read(raw: RawMessage, at: RecordCoordinates): ReadResult<Out>;
  heldOffset(): string | undefined;
  /** Counters for the ops layer, read at scrape time. */
  metrics(): Readonly<Record<string, number>>;
}

