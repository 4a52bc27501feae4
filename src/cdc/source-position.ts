/**
 * Where a row change sits in its shard's binlog. Within one shard (one `serverId`) the order is
 * GTID sequence, then binlog position, then the row's index within its DML event; `fileName` and
 * `position` restart when the binlog rotates, so `gtidSequence` comes first.
 */
export interface SourcePosition {
  /** The shard: MySQL `server_id`, an int64 kept as a decimal string. */
  readonly serverId: string;
  /** `<server uuid>:<sequence>` */
  readonly gtid: string;
  readonly gtidSequence: bigint;
  readonly fileName: string;
  readonly position: bigint;
  /** Index of the row within its DML event (0-based). */
  readonly rowIndex: number;
}

/** Negative, zero or positive as `a` comes before, at or after `b` in the same shard's binlog. */
export function compareSourcePositions(a: SourcePosition, b: SourcePosition): number {
  if (a.gtidSequence !== b.gtidSequence) return a.gtidSequence < b.gtidSequence ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return a.rowIndex - b.rowIndex;
}

/** Parses the sequence number out of `<uuid>:<sequence>`; undefined if the GTID has no numeric tail. */
export function gtidSequenceOf(gtid: string): bigint | undefined {
  const colon = gtid.lastIndexOf(':');
  const tail = colon < 0 ? '' : gtid.slice(colon + 1);
  if (!/^\d+$/.test(tail)) return undefined;
  return BigInt(tail);
}
