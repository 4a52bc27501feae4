import type { ChangeEvent } from '../change-event.js';
import type { DebeziumItem } from '../formats/debezium-item.js';
import { compareOffsets } from '../offsets.js';
import { gtidSequenceOf } from '../source-position.js';
import type { ShardProgress } from '../watermarks/shard-progress.js';

export interface DebeziumTrackerOptions {
  /** The tables (`<db>.<table>`) whose topics are read: an END's counts for other tables are not waited for. */
  readonly dataCollections: ReadonlySet<string>;
}

export interface DebeziumTrackerMetrics {
  transactionsCompleted: number;
  /** Gauge: transactions begun or seen in rows, not complete yet. */
  openTransactions: number;
  /** Rows of a transaction that was already complete (a Debezium restart re-sends some). */
  redeliveredRows: number;
  /** Rows without a transaction block (a snapshot, or transaction metadata turned off): passed on, not counted. */
  rowsWithoutTransaction: number;
  heartbeats: number;
  /** Gauge: the connector's wall clock in its last heartbeat, epoch ms. */
  lastHeartbeatMs: number;
}

interface Transaction {
  readonly id: string;
  /** In the transaction topic's order; false while only rows have been seen (they may come first). */
  begun: boolean;
  /** Per table: the `data_collection_order`s seen. */
  readonly seen: Map<string, Set<number>>;
  /** Per read table, from END: how many rows to wait for. */
  expected: Map<string, number> | undefined;
  endTimestamp: number;
  /** The highest order key of its rows: the GTID sequence, or binlog coordinates without GTIDs. */
  sequence: bigint | undefined;
  /** The earliest input offset that carried any of it: what a crash must re-read. */
  firstOffset: string;
}

interface Shard {
  /** Transactions in BEGIN order, oldest first. */
  readonly ordered: Transaction[];
  readonly byId: Map<string, Transaction>;
  passed: ShardProgress | undefined;
}

/** What one item did: rows to forward, and the shard's progress when it moved. */
export interface TrackerStep {
  readonly events: readonly ChangeEvent[];
  readonly progress: ShardProgress | undefined;
}

/**
 * Debezium's transaction grouping (docs/design.md 3.2 for a CDC source that writes one topic per table):
 * one task sees every row of every table topic, and the transaction-metadata topic, through a
 * one-partition internal topic. Rows go on at once — the resequencer holds and orders them; this step
 * only decides how far the shard has passed. A transaction is complete when its END has come and every
 * read table has delivered the rows END counts for it (by `data_collection_order`, so a repeated row is
 * counted once). The shard's progress is the last transaction of the longest complete run from the
 * oldest BEGIN on: its sequence (the highest of its rows', or its GTID's for a transaction without rows
 * in the read tables) and END's time, the commit's binlog time.
 *
 * Rows may come before their BEGIN (another partition, another topic): they wait, counted, for it. A
 * row of a transaction at or before the shard's progress is a redelivery: passed on (the resequencer
 * drops it) but not tracked. `heldOffset()` is the earliest input offset of an incomplete transaction;
 * the caller keeps the committed offset there (rewind, not persist). Heartbeats carry the connector's
 * wall clock, not a binlog position, so they are counted but move nothing.
 */
export class DebeziumTransactionTracker {
  readonly metrics: DebeziumTrackerMetrics = {
    transactionsCompleted: 0,
    openTransactions: 0,
    redeliveredRows: 0,
    rowsWithoutTransaction: 0,
    heartbeats: 0,
    lastHeartbeatMs: 0,
  };
  private readonly shards = new Map<string, Shard>();

  constructor(private readonly options: DebeziumTrackerOptions) {}

  accept(item: DebeziumItem, offset: string): TrackerStep {
    switch (item.kind) {
      case 'heartbeat':
        this.metrics.heartbeats++;
        this.metrics.lastHeartbeatMs = Math.max(this.metrics.lastHeartbeatMs, item.timestamp);
        return NOTHING;
      case 'marker': {
        const shard = this.shardOf(item.shard);
        const { marker } = item;
        const known = shard.byId.get(marker.id);
        if (known === undefined && this.isPassed(shard, gtidSequenceOfId(marker.id))) return NOTHING;
        const transaction = known ?? this.open(shard, marker.id, offset);
        if (!transaction.begun) {
          transaction.begun = true;
          shard.ordered.push(transaction);
        }
        if (marker.status === 'END') {
          transaction.endTimestamp = marker.timestamp;
          transaction.expected = new Map(marker.dataCollections.filter((c) => this.options.dataCollections.has(c.dataCollection)).map((c) => [c.dataCollection, c.eventCount]));
          transaction.sequence ??= gtidSequenceOfId(marker.id);
        }
        return { events: [], progress: this.advance(item.shard, shard) };
      }
      case 'change':
      case 'counted': {
        const event = item.kind === 'change' ? item.event : undefined;
        const block = item.transaction;
        if (block === undefined) {
          this.metrics.rowsWithoutTransaction++;
          return event === undefined ? NOTHING : { events: [event], progress: undefined };
        }
        const serverId = event?.source.serverId;
        const shard = serverId === undefined ? this.shardOfTransaction(block.id) : this.shardOf(serverId);
        if (shard === undefined) return NOTHING;
        let transaction = shard.byId.get(block.id);
        if (transaction === undefined) {
          if (this.isPassed(shard, event?.source.gtidSequence ?? gtidSequenceOfId(block.id))) {
            this.metrics.redeliveredRows++;
            return event === undefined ? NOTHING : { events: [event], progress: undefined };
          }
          transaction = this.open(shard, block.id, offset);
        }
        let seen = transaction.seen.get(item.dataCollection);
        if (seen === undefined) {
          seen = new Set();
          transaction.seen.set(item.dataCollection, seen);
        }
        seen.add(block.dataCollectionOrder);
        if (compareOffsets(offset, transaction.firstOffset) < 0) transaction.firstOffset = offset;
        if (event !== undefined && (transaction.sequence === undefined || event.source.gtidSequence > transaction.sequence)) transaction.sequence = event.source.gtidSequence;
        return { events: event === undefined ? [] : [event], progress: serverId === undefined ? undefined : this.advance(serverId, shard) };
      }
    }
  }

  /** The earliest input offset an incomplete transaction still needs; undefined when none is open. */
  heldOffset(): string | undefined {
    let lowest: string | undefined;
    for (const shard of this.shards.values()) {
      for (const transaction of shard.byId.values()) {
        if (lowest === undefined || compareOffsets(transaction.firstOffset, lowest) < 0) lowest = transaction.firstOffset;
      }
    }
    return lowest;
  }

  private advance(serverId: string, shard: Shard): ShardProgress | undefined {
    let moved: ShardProgress | undefined;
    for (let head = shard.ordered[0]; head !== undefined && complete(head); head = shard.ordered[0]) {
      shard.ordered.shift();
      shard.byId.delete(head.id);
      this.metrics.transactionsCompleted++;
      const sequence = head.sequence ?? shard.passed?.gtidSequence;
      if (sequence === undefined) continue;
      const passed = shard.passed;
      shard.passed = {
        serverId,
        gtidSequence: passed === undefined || sequence > passed.gtidSequence ? sequence : passed.gtidSequence,
        timestamp: Math.max(passed?.timestamp ?? -Infinity, head.endTimestamp),
      };
      moved = shard.passed;
    }
    this.metrics.openTransactions = [...this.shards.values()].reduce((n, s) => n + s.byId.size, 0);
    return moved;
  }

  private isPassed(shard: Shard, sequence: bigint | undefined): boolean {
    return sequence !== undefined && shard.passed !== undefined && sequence <= shard.passed.gtidSequence;
  }

  private open(shard: Shard, id: string, offset: string): Transaction {
    const transaction: Transaction = { id, begun: false, seen: new Map(), expected: undefined, endTimestamp: -Infinity, sequence: undefined, firstOffset: offset };
    shard.byId.set(id, transaction);
    this.metrics.openTransactions++;
    return transaction;
  }

  private shardOf(serverId: string): Shard {
    let shard = this.shards.get(serverId);
    if (shard === undefined) {
      shard = { ordered: [], byId: new Map(), passed: undefined };
      this.shards.set(serverId, shard);
    }
    return shard;
  }

  /** The shard a counted row (no event, so no serverId) belongs to: the one that knows its transaction. */
  private shardOfTransaction(id: string): Shard | undefined {
    for (const shard of this.shards.values()) if (shard.byId.has(id)) return shard;
    return this.shards.size === 1 ? this.shards.values().next().value : undefined;
  }
}

const NOTHING: TrackerStep = { events: [], progress: undefined };

function complete(transaction: Transaction): boolean {
  if (transaction.expected === undefined) return false;
  for (const [collection, count] of transaction.expected) if ((transaction.seen.get(collection)?.size ?? 0) < count) return false;
  return true;
}

/** A transaction id that is a GTID (MariaDB `domain-server-seq` or MySQL `uuid:seq`) orders by its sequence. */
export function gtidSequenceOfId(id: string): bigint | undefined {
  const mariadb = /^\d+-\d+-(\d+)$/.exec(id);
  if (mariadb !== null) return BigInt(mariadb[1] as string);
  return /^[0-9a-fA-F-]{36}:\d+$/.test(id) ? gtidSequenceOf(id) : undefined;
}
