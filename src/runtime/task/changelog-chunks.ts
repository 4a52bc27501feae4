import { randomBytes } from 'node:crypto';
import { CHANGELOG_CHUNKED_HEADER, CHANGELOG_PIECE_HEADER } from '../../common/constants.js';
import { CdcStreamsError } from '../../common/errors.js';
import type { Headers } from '../../common/headers.js';
import type { BytesWrite } from '../../state/bytes-store.js';
import { recordBatchBytes } from './record-size.js';

/**
 * Changelog values bigger than the changelog topic accepts (docs/runtime.md, "Records bigger than a
 * Kafka message"). A compacted topic keeps the last record per key, so pieces cannot share the key:
 * a value is written as pieces under keys of their own — `<key> MARKER <version> <index>` — followed
 * by a manifest under the key itself (header CHANGELOG_CHUNKED_HEADER) that names the version and the
 * piece count. When the key is written again or deleted, the pieces of the old version get tombstones.
 * Which keys are chunked (and in which version) is kept per store in its metadata, written in the same
 * atomic batch as the data, so this survives restarts; restore rebuilds it from the manifests.
 */

/** Metadata entry of a store holding its chunk index. */
export const CHUNK_INDEX_METADATA = 'changelog-chunks';

const PIECE_KEY_MARKER = Buffer.from('\u0000cdc-streams-piece\u0000', 'latin1');
const MANIFEST_MAGIC = Buffer.from('cdc-streams-chunks:1', 'latin1');
const VERSION_BYTES = 8;
const PIECE_MARGIN_BYTES = 512;
const MIN_PIECE_PAYLOAD_BYTES = 1024;
const PIECE_HEADERS: Headers = Object.freeze({ [CHANGELOG_PIECE_HEADER]: '1' });
const MANIFEST_HEADERS: Headers = Object.freeze({ [CHANGELOG_CHUNKED_HEADER]: '1' });

export class ChangelogChunkError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'CHANGELOG_CHUNK' });
  }
}

interface ChunkedValue {
  readonly version: Buffer;
  readonly count: number;
}

/** A changelog record to write, as the commit sends it. */
export interface ChangelogRecordOut {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

/** A changelog record read back during restore. */
export interface ChangelogRecordIn {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

export function pieceKey(key: Buffer, version: Buffer, index: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + PIECE_KEY_MARKER.length + VERSION_BYTES + 4);
  key.copy(out, 0);
  PIECE_KEY_MARKER.copy(out, key.length);
  version.copy(out, key.length + PIECE_KEY_MARKER.length);
  out.writeUInt32BE(index, out.length - 4);
  return out;
}

function encodeManifest(chunked: ChunkedValue, totalBytes: number): Buffer {
  const out = Buffer.allocUnsafe(MANIFEST_MAGIC.length + VERSION_BYTES + 4 + 8);
  MANIFEST_MAGIC.copy(out, 0);
  chunked.version.copy(out, MANIFEST_MAGIC.length);
  out.writeUInt32BE(chunked.count, MANIFEST_MAGIC.length + VERSION_BYTES);
  out.writeBigUInt64BE(BigInt(totalBytes), MANIFEST_MAGIC.length + VERSION_BYTES + 4);
  return out;
}

function decodeManifest(value: Buffer, where: string): ChunkedValue & { totalBytes: number } {
  const at = MANIFEST_MAGIC.length;
  if (value.length !== at + VERSION_BYTES + 12 || !value.subarray(0, at).equals(MANIFEST_MAGIC)) {
    throw new ChangelogChunkError(`${where}: a record marked ${CHANGELOG_CHUNKED_HEADER} does not hold a chunk manifest`);
  }
  return {
    version: Buffer.from(value.subarray(at, at + VERSION_BYTES)),
    count: value.readUInt32BE(at + VERSION_BYTES),
    totalBytes: Number(value.readBigUInt64BE(at + VERSION_BYTES + 4)),
  };
}

/** Which keys of one store have a chunked value in the changelog. */
export class ChangelogChunkIndex {
  private readonly entries = new Map<string, ChunkedValue>();
  private changed = false;

  static decode(store: string, bytes: Buffer | undefined): ChangelogChunkIndex {
    const index = new ChangelogChunkIndex();
    if (bytes === undefined) return index;
    let at = 0;
    try {
      while (at < bytes.length) {
        const keyLength = bytes.readUInt32BE(at);
        const key = bytes.toString('latin1', at + 4, at + 4 + keyLength);
        at += 4 + keyLength;
        const version = Buffer.from(bytes.subarray(at, at + VERSION_BYTES));
        const count = bytes.readUInt32BE(at + VERSION_BYTES);
        at += VERSION_BYTES + 4;
        if (version.length !== VERSION_BYTES) throw new RangeError('truncated');
        index.entries.set(key, { version, count });
      }
    } catch (error) {
      throw new ChangelogChunkError(`store '${store}': metadata '${CHUNK_INDEX_METADATA}' is corrupt (${error instanceof Error ? error.message : String(error)})`);
    }
    return index;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The encoded index when it changed since the last call, for the store's next atomic write. */
  takeChanges(): Buffer | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    const parts: Buffer[] = [];
    for (const [key, { version, count }] of this.entries) {
      const head = Buffer.allocUnsafe(4);
      head.writeUInt32BE(Buffer.byteLength(key, 'latin1'));
      const tail = Buffer.allocUnsafe(4);
      tail.writeUInt32BE(count);
      parts.push(head, Buffer.from(key, 'latin1'), version, tail);
    }
    return Buffer.concat(parts);
  }

  get(key: Buffer): ChunkedValue | undefined {
    return this.entries.size === 0 ? undefined : this.entries.get(key.toString('latin1'));
  }

  set(key: Buffer, value: ChunkedValue): void {
    this.entries.set(key.toString('latin1'), value);
    this.changed = true;
  }

  delete(key: Buffer): void {
    if (this.entries.delete(key.toString('latin1'))) this.changed = true;
  }
}

/**
 * Turns a store's pending writes into changelog records that each fit `maxRecordBytes`: a value too
 * big becomes pieces and a manifest; the pieces of a key's previous chunked value get tombstones.
 */
export function changelogRecordsFor(
  store: string,
  writes: readonly BytesWrite[],
  index: ChangelogChunkIndex,
  maxRecordBytes: number,
  out: ChangelogRecordOut[],
): void {
  for (const write of writes) {
    const old = index.get(write.key);
    if (write.value !== null && recordBatchBytes(write.key, write.value, PIECE_HEADERS) > maxRecordBytes) {
      const chunked = writeChunked(store, write.key, write.value, maxRecordBytes, out);
      index.set(write.key, chunked);
    } else {
      if (recordBatchBytes(write.key, write.value, {}) > maxRecordBytes) {
        throw new ChangelogChunkError(`store '${store}': a key of ${write.key.length} bytes does not fit its changelog's limit of ${maxRecordBytes} bytes`);
      }
      out.push({ key: write.key, value: write.value, headers: {} });
      if (old !== undefined) index.delete(write.key);
    }
    if (old !== undefined) {
      for (let i = 0; i < old.count; i++) out.push({ key: pieceKey(write.key, old.version, i), value: null, headers: PIECE_HEADERS });
    }
  }
}

function writeChunked(store: string, key: Buffer, value: Buffer, maxRecordBytes: number, out: ChangelogRecordOut[]): ChunkedValue {
  const version = randomBytes(VERSION_BYTES);
  const payload = maxRecordBytes - recordBatchBytes(pieceKey(key, version, 0), null, PIECE_HEADERS) - PIECE_MARGIN_BYTES;
  if (payload < MIN_PIECE_PAYLOAD_BYTES) {
    throw new ChangelogChunkError(`store '${store}': a key of ${key.length} bytes leaves no room for value pieces under its changelog's limit of ${maxRecordBytes} bytes`);
  }
  const count = Math.ceil(value.length / payload);
  for (let i = 0; i < count; i++) {
    out.push({ key: pieceKey(key, version, i), value: value.subarray(i * payload, Math.min(value.length, (i + 1) * payload)), headers: PIECE_HEADERS });
  }
  const chunked = { version, count };
  out.push({ key, value: encodeManifest(chunked, value.length), headers: MANIFEST_HEADERS });
  return chunked;
}

/**
 * The restore side: pieces are kept until their manifest arrives (pieces precede their manifest in
 * the same partition and commit), then the value is joined and written under its key. Pieces never
 * claimed by a manifest were cut off by a crash between them and their manifest (at_least_once); they
 * are handed out by `unclaimedPieces()` so the next commit can tombstone them.
 */
export class ChangelogPieceStash {
  private readonly pieces = new Map<string, Buffer>();

  constructor(private readonly store: string) {}

  /** Applies records in log order to the chunk index and returns the writes for the store. */
  apply(records: readonly ChangelogRecordIn[], index: ChangelogChunkIndex): BytesWrite[] {
    const writes: BytesWrite[] = [];
    for (const record of records) {
      const key = record.key ?? Buffer.alloc(0);
      if (record.headers[CHANGELOG_PIECE_HEADER] !== undefined) {
        const id = key.toString('latin1');
        if (record.value === null) this.pieces.delete(id);
        else this.pieces.set(id, record.value);
        continue;
      }
      if (record.headers[CHANGELOG_CHUNKED_HEADER] !== undefined && record.value !== null) {
        const manifest = decodeManifest(record.value, `store '${this.store}'`);
        writes.push({ key, value: this.join(key, manifest) });
        index.set(key, manifest);
        continue;
      }
      writes.push({ key, value: record.value });
      index.delete(key);
    }
    return writes;
  }

  /** Keys of pieces no manifest claimed, to tombstone. */
  unclaimedPieces(): Buffer[] {
    return [...this.pieces.keys()].map((id) => Buffer.from(id, 'latin1'));
  }

  private join(key: Buffer, manifest: ChunkedValue & { totalBytes: number }): Buffer {
    const parts: Buffer[] = [];
    for (let i = 0; i < manifest.count; i++) {
      const id = pieceKey(key, manifest.version, i).toString('latin1');
      const piece = this.pieces.get(id);
      if (piece === undefined) {
        throw new ChangelogChunkError(
          `store '${this.store}': piece ${i} of ${manifest.count} of a chunked value (key ${key.toString('hex').slice(0, 64)}) is missing from the changelog`,
        );
      }
      parts.push(piece);
      this.pieces.delete(id);
    }
    const value = Buffer.concat(parts);
    if (value.length !== manifest.totalBytes) {
      throw new ChangelogChunkError(`store '${this.store}': a chunked value joined to ${value.length} bytes, its manifest says ${manifest.totalBytes}`);
    }
    return value;
  }
}
