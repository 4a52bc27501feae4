import { chunkEntries, encodeEntries, encodeEnvelope, type DtsEntry } from '../index.js';
import { SimulatorInvariantError } from './sim-errors.js';

/** One Kafka message the simulator asks to be written, in write order. */
export interface SimMessage {
  readonly partition: number;
  readonly key?: Buffer;
  readonly value: Buffer;
  /** Kafka record timestamp, epoch ms: the event time of the message's first entry. */
  readonly timestamp: number;
}

/** An Envelope's fields other than `data` never take more than this (version, total, index, tags, length). */
export const ENVELOPE_OVERHEAD_BYTES = 32;

/**
 * Packs one partition's entries into Envelope messages no bigger than `maxMessageBytes`. Repeated
 * fields concatenate in protobuf, so an Entries is the concatenation of one-entry Entries: each entry
 * is encoded once. An entry too big on its own is flushed alone and cut into consecutive pieces.
 */
export class MessagePacker {
  private parts: Buffer[] = [];
  private bytes = 0;
  private firstTimestamp = 0;

  constructor(
    readonly partition: number,
    private readonly maxMessageBytes: number,
    private readonly maxEntriesPerMessage: number,
  ) {}

  /** Adds an entry; returns the messages that had to be written to make room (maybe none). */
  add(entry: DtsEntry): { messages: SimMessage[]; pieces: readonly SimMessage[] } {
    const encoded = encodeEntries([entry]);
    const timestamp = entry.header.timestamp * 1000;
    if (encoded.length + ENVELOPE_OVERHEAD_BYTES > this.maxMessageBytes) {
      const messages = this.flush();
      const pieces = chunkEntries(encoded, this.maxMessageBytes - ENVELOPE_OVERHEAD_BYTES).map((piece) =>
        this.message(encodeEnvelope(piece), timestamp),
      );
      return { messages: [...messages, ...pieces], pieces };
    }
    const full =
      this.bytes + encoded.length + ENVELOPE_OVERHEAD_BYTES > this.maxMessageBytes ||
      this.parts.length >= this.maxEntriesPerMessage;
    const messages = full ? this.flush() : [];
    if (this.parts.length === 0) this.firstTimestamp = timestamp;
    this.parts.push(encoded);
    this.bytes += encoded.length;
    return { messages, pieces: [] };
  }

  /** Writes what is pending as one whole (total 1) Envelope. */
  flush(): SimMessage[] {
    if (this.parts.length === 0) return [];
    const data = Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    return [this.message(encodeEnvelope({ version: 1, total: 1, index: 0, data, properties: [] }), this.firstTimestamp)];
  }

  private message(value: Buffer, timestamp: number): SimMessage {
    if (value.length > this.maxMessageBytes) {
      throw new SimulatorInvariantError(`a ${value.length}-byte message exceeds maxMessageBytes ${this.maxMessageBytes}`);
    }
    return { partition: this.partition, value, timestamp };
  }
}
