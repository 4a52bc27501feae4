/**
 * The part of a DTS Envelope reassembly needs. The codec's decoded Envelope fits it structurally.
 * `total` 0 (an unset protobuf field) is read as 1: a message that was never cut.
 */
export interface ChunkPiece {
  readonly total: number;
  readonly index: number;
  readonly data: Uint8Array;
}

/** One raw Kafka message that carried a piece, kept so a broken group can be dead-lettered as it came. */
export interface PieceMessage<R> {
  readonly offset: string;
  readonly raw: R;
}

/** The bytes of one whole Entries message, joined from its pieces. */
export interface CompletedGroup<R> {
  readonly data: Buffer;
  /** Offset of index 0: the message's coordinates for everything decoded from it. */
  readonly firstOffset: string;
  /** The raw messages, in order, for dead-lettering when the joined bytes do not decode. */
  readonly messages: readonly PieceMessage<R>[];
}

export type AbandonReason =
  | 'restarted' // a different index 0 arrived before the group finished
  | 'total-changed'
  | 'index-out-of-range'
  | 'gap' // an index beyond the next expected one
  | 'out-of-sequence' // an earlier index whose bytes differ from the piece already held
  | 'too-large'; // the group exceeded maxPieces or maxBytes

export interface AbandonedGroup<R> {
  readonly reason: AbandonReason;
  readonly messages: readonly PieceMessage<R>[];
}

/**
 * What one piece did. `abandoned` and `completed` can both be set: a single-piece message that
 * breaks an open group abandons it and completes at once.
 */
export interface ReassemblyStep<R> {
  readonly outcome: 'completed' | 'pending' | 'duplicate' | 'orphan' | 'abandoned';
  readonly completed: CompletedGroup<R> | undefined;
  readonly abandoned: AbandonedGroup<R> | undefined;
}
