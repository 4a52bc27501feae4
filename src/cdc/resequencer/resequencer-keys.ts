import { prefixUpperBound } from '../../state/byte-order.js';
import { UnorderableEventError } from '../cdc-errors.js';
import type { SourcePosition } from '../source-position.js';

/**
 * Order-preserving binary store keys for the resequencer. A held event is keyed
 *
 *     0x01 | u16 length | serverId (UTF-8) | u64 gtidSequence | u64 position | u32 rowIndex
 *
 * all big-endian, so the byte order of keys is the shard's source order and "everything of shard s
 * up to GTID sequence W" is one range scan up to `heldKeyAfter(s, W)` (from what the shard released
 * before: the resequencer's `releasedBound`). The
 * length-prefixed shard id keeps one shard's keys from ever interleaving with another's. Shard
 * bookkeeping rows lived in the same store under 0x02 (outside every held-event range) before they
 * moved to a changelogged store of their own; `init` moves any it finds.
 */
const HELD_TAG = 0x01;
const SHARD_STATE_TAG = 0x02;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const POSITION_BYTES = 8 + 8 + 4;

export function shardPrefix(serverId: string): Buffer {
  return taggedShard(HELD_TAG, serverId, 0);
}

/** The identity of an event within its shard, as a key; also the key of its released-identity row. */
export function heldKey(position: Pick<SourcePosition, 'serverId' | 'gtidSequence' | 'position' | 'rowIndex'>): Buffer {
  const key = taggedShard(HELD_TAG, position.serverId, POSITION_BYTES);
  const at = key.length - POSITION_BYTES;
  key.writeBigUInt64BE(checkU64(position.gtidSequence, 'gtidSequence', position.serverId), at);
  key.writeBigUInt64BE(checkU64(position.position, 'position', position.serverId), at + 8);
  key.writeUInt32BE(position.rowIndex, at + 16);
  return key;
}

/** The exclusive upper bound of "shard `serverId`, GTID sequence <= `gtidSequence`". */
export function heldKeyAfter(serverId: string, gtidSequence: bigint): Buffer {
  if (gtidSequence >= U64_MAX) return shardUpperBound(serverId);
  const next = gtidSequence < 0n ? 0n : gtidSequence + 1n;
  return heldKey({ serverId, gtidSequence: next, position: 0n, rowIndex: 0 });
}

/** The exclusive upper bound of every key of the shard. */
export function shardUpperBound(serverId: string): Buffer {
  // The prefix starts with a tag byte below 0xff, so an upper bound always exists.
  return prefixUpperBound(shardPrefix(serverId)) ?? Buffer.from([HELD_TAG + 1]);
}

export function decodeHeldKey(key: Buffer): Pick<SourcePosition, 'serverId' | 'gtidSequence' | 'position' | 'rowIndex'> {
  const length = key.readUInt16BE(1);
  const at = 3 + length;
  return {
    serverId: key.toString('utf8', 3, at),
    gtidSequence: key.readBigUInt64BE(at),
    position: key.readBigUInt64BE(at + 8),
    rowIndex: key.readUInt32BE(at + 16),
  };
}

export function shardStateKey(serverId: string): Buffer {
  return taggedShard(SHARD_STATE_TAG, serverId, 0);
}

export const SHARD_STATE_PREFIX: Buffer = Buffer.from([SHARD_STATE_TAG]);

/** The range of every held event, of every shard: [HELD_PREFIX, HELD_PREFIX_END). */
export const HELD_PREFIX: Buffer = Buffer.from([HELD_TAG]);
export const HELD_PREFIX_END: Buffer = Buffer.from([HELD_TAG + 1]);

function taggedShard(tag: number, serverId: string, extra: number): Buffer {
  const id = Buffer.from(serverId, 'utf8');
  if (id.length > 0xffff) throw new UnorderableEventError(`serverId of ${id.length} bytes does not fit a resequencer key`, undefined);
  const key = Buffer.allocUnsafe(3 + id.length + extra);
  key[0] = tag;
  key.writeUInt16BE(id.length, 1);
  id.copy(key, 3);
  return key;
}

function checkU64(value: bigint, what: string, serverId: string): bigint {
  if (value < 0n || value > U64_MAX) {
    throw new UnorderableEventError(`shard ${serverId}: ${what} ${value} is outside 0..2^64-1`, undefined);
  }
  return value;
}
