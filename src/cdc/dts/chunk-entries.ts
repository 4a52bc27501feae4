import { ConfigError } from '../../common/errors.js';
import type { DtsEnvelope, DtsKeyValue } from './dts-model.js';

export interface ChunkOptions {
  /** Envelope.version to write; 1 unless told. */
  readonly version?: number;
  readonly properties?: readonly DtsKeyValue[];
}

/**
 * Cuts the protobuf bytes of one Entries into `total` pieces of at most `maxPieceBytes` each, as the
 * DTS producer does for an Entries too big for one Kafka message: piece `index` (0..total-1) holds the
 * next slice, and concatenating `data` in index order gives back `entriesBytes`. `total` is 1 when it
 * fits (including empty input). Pieces are views into `entriesBytes`.
 */
export function chunkEntries(entriesBytes: Buffer, maxPieceBytes: number, options: ChunkOptions = {}): DtsEnvelope[] {
  if (!Number.isSafeInteger(maxPieceBytes) || maxPieceBytes < 1) {
    throw new ConfigError(`chunkEntries: maxPieceBytes must be a positive integer, got ${maxPieceBytes}`);
  }
  const total = Math.max(1, Math.ceil(entriesBytes.length / maxPieceBytes));
  const version = options.version ?? 1;
  const properties = options.properties ?? [];
  const pieces: DtsEnvelope[] = [];
  for (let index = 0; index < total; index++) {
    const data = entriesBytes.subarray(index * maxPieceBytes, (index + 1) * maxPieceBytes);
    pieces.push({ version, total, index, data, properties });
  }
  return pieces;
}
