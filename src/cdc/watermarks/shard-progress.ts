/**
 * "This input partition has passed GTID sequence `gtidSequence` of shard `serverId`, at shard time
 * `timestamp`": nothing of that shard at or before the sequence can still arrive on it, redeliveries
 * aside. Learnt from committed transactions and heartbeats (docs/design.md 1 and 3.3).
 */
export interface ShardProgress {
  readonly serverId: string;
  readonly gtidSequence: bigint;
  /** The shard's clock, epoch milliseconds. */
  readonly timestamp: number;
}
