import { ConfigError, type DtsEntry } from '../index.js';
import { heartbeatEntry, transactionEntries } from './dts-entries.js';
import { MessagePacker, ENVELOPE_OVERHEAD_BYTES, type SimMessage } from './message-packer.js';
import type { BinlogItem, BinlogTransaction } from './model/binlog.js';
import { requireFraction, requireInteger } from './model/model-options.js';
import { PARTITIONING_STRATEGIES, partitionKeyOf, partitionOf, type PartitioningStrategy } from './partitioner.js';
import { Prng, deriveSeed } from './prng.js';

export interface DtsWriterOptions {
  readonly seed: number;
  readonly partitions: number;
  readonly strategy: PartitioningStrategy;
  /** No message is bigger; an Entries that would be is cut into pieces. */
  readonly maxMessageBytes: number;
  readonly maxEntriesPerMessage: number;
  /** After this many transactions the topic grows to `to` partitions; later entries hash over `to`. */
  readonly partitionIncrease: { readonly afterTransactions: number; readonly to: number } | undefined;
  /**
   * At-least-once: after a partition's messages are written, with this probability the last
   * 1..`maxMessages` of them are written again, byte for byte (a restart re-reading from a bit
   * before). A stretch may begin in the middle of a chunked group: its first pieces are orphans.
   */
  readonly redelivery: { readonly probability: number; readonly maxMessages: number };
}

export const DEFAULT_WRITER_OPTIONS: DtsWriterOptions = {
  seed: 1,
  partitions: 4,
  strategy: 'primary-key',
  maxMessageBytes: 32_768,
  maxEntriesPerMessage: 64,
  partitionIncrease: undefined,
  redelivery: { probability: 0.002, maxMessages: 16 },
};

export interface SimStats {
  transactions: number;
  committed: number;
  rolledBack: number;
  rows: number;
  entries: number;
  heartbeats: number;
  messages: number;
  /** Messages that are pieces of a chunked Entries (total > 1). */
  pieces: number;
  chunkedGroups: number;
  redeliveredStretches: number;
  redeliveredMessages: number;
  /** The partition count in force now (after any increase). */
  partitions: number;
}

export function emptyStats(partitions: number): SimStats {
  return {
    transactions: 0,
    committed: 0,
    rolledBack: 0,
    rows: 0,
    entries: 0,
    heartbeats: 0,
    messages: 0,
    pieces: 0,
    chunkedGroups: 0,
    redeliveredStretches: 0,
    redeliveredMessages: 0,
    partitions,
  };
}

export function resolveWriterOptions(options: Partial<DtsWriterOptions>): DtsWriterOptions {
  const o: DtsWriterOptions = { ...DEFAULT_WRITER_OPTIONS, ...options };
  requireInteger('seed', o.seed, 0, 0xffffffff);
  requireInteger('partitions', o.partitions, 1, 10_000);
  if (!PARTITIONING_STRATEGIES.includes(o.strategy)) {
    throw new ConfigError(`strategy must be one of ${PARTITIONING_STRATEGIES.join(', ')}, got ${String(o.strategy)}`);
  }
  requireInteger('maxMessageBytes', o.maxMessageBytes, ENVELOPE_OVERHEAD_BYTES + 224, 64 * 1024 * 1024);
  requireInteger('maxEntriesPerMessage', o.maxEntriesPerMessage, 1, 1_000_000);
  if (o.partitionIncrease !== undefined) {
    requireInteger('partitionIncrease.afterTransactions', o.partitionIncrease.afterTransactions, 0, Number.MAX_SAFE_INTEGER);
    requireInteger('partitionIncrease.to', o.partitionIncrease.to, o.partitions + 1, 10_000);
  }
  requireFraction('redelivery.probability', o.redelivery.probability);
  requireInteger('redelivery.maxMessages', o.redelivery.maxMessages, 1, 100_000);
  return o;
}

/**
 * Turns the binlog into DTS Kafka messages. A transaction whose entries go to several partitions
 * (table or primary-key partitioning) gets, on each of them, its BEGIN and COMMIT/ROLLBACK around
 * that partition's share. Heartbeats go to every partition and flush them all, so nothing lingers
 * unwritten behind a quiet stretch.
 */
export class DtsWriter {
  readonly stats: SimStats;
  private readonly prng: Prng;
  private readonly packers: MessagePacker[] = [];
  private readonly recent: SimMessage[][] = [];
  private readonly seqIds = new Map<string, bigint>();
  private readonly pieces = new WeakSet<SimMessage>();
  private partitions: number;

  /** `stats`, if given, is reset and kept up to date in place (a caller may hold on to it). */
  constructor(
    private readonly o: DtsWriterOptions,
    stats?: SimStats,
  ) {
    this.prng = new Prng(deriveSeed(o.seed, 2));
    this.partitions = o.partitions;
    this.stats = Object.assign(stats ?? emptyStats(o.partitions), emptyStats(o.partitions));
    this.grow(o.partitions);
  }

  write(item: BinlogItem): SimMessage[] {
    if (item.kind === 'heartbeat') {
      const out: SimMessage[] = [];
      const entry = heartbeatEntry(item, this.nextSeqId(item.shard.serverId));
      for (let p = 0; p < this.partitions; p++) {
        this.stats.heartbeats++;
        out.push(...this.add(p, entry));
      }
      out.push(...this.flushAll());
      return out;
    }
    const out: SimMessage[] = [];
    const increase = this.o.partitionIncrease;
    if (increase !== undefined && this.stats.transactions === increase.afterTransactions && this.partitions < increase.to) {
      // Everything before the increase is written under the old count; later entries hash over the new one.
      out.push(...this.flushAll());
      this.grow(increase.to);
    }
    out.push(...this.transaction(item));
    return out;
  }

  /** Writes whatever is still pending. */
  end(): SimMessage[] {
    return this.flushAll();
  }

  private transaction(txn: BinlogTransaction): SimMessage[] {
    this.stats.transactions++;
    if (txn.outcome === 'commit') this.stats.committed++;
    else this.stats.rolledBack++;
    for (const e of txn.events) this.stats.rows += e.rows.length;
    const entries = transactionEntries(txn, () => this.nextSeqId(txn.shard.serverId));
    const begin = entries[0];
    const end = entries[entries.length - 1];
    const dml = entries.slice(1, -1);
    if (begin === undefined || end === undefined) return [];
    const shares = new Map<number, DtsEntry[]>();
    for (const entry of dml) {
      const p = partitionOf(partitionKeyOf(this.o.strategy, entry), this.partitions);
      const share = shares.get(p);
      if (share === undefined) shares.set(p, [entry]);
      else share.push(entry);
    }
    const out: SimMessage[] = [];
    for (const [p, share] of [...shares].sort((a, b) => a[0] - b[0])) {
      for (const entry of [begin, ...share, end]) out.push(...this.add(p, entry));
    }
    return out;
  }

  private add(partition: number, entry: DtsEntry): SimMessage[] {
    this.stats.entries++;
    const { messages, pieces } = this.packerOf(partition).add(entry);
    if (pieces.length > 0) this.stats.chunkedGroups++;
    for (const piece of pieces) this.pieces.add(piece);
    return this.written(partition, messages);
  }

  private flushAll(): SimMessage[] {
    const out: SimMessage[] = [];
    for (let p = 0; p < this.partitions; p++) out.push(...this.written(p, this.packerOf(p).flush()));
    return out;
  }

  /** Counts freshly packed messages and, now and then, writes a stretch of them again. */
  private written(partition: number, messages: SimMessage[]): SimMessage[] {
    if (messages.length === 0) return messages;
    const recent = this.recent[partition] ?? [];
    for (const m of messages) {
      this.count(m);
      recent.push(m);
    }
    if (recent.length > this.o.redelivery.maxMessages) recent.splice(0, recent.length - this.o.redelivery.maxMessages);
    if (!this.prng.chance(this.o.redelivery.probability)) return messages;
    const stretch = recent.slice(recent.length - this.prng.int(1, recent.length));
    this.stats.redeliveredStretches++;
    this.stats.redeliveredMessages += stretch.length;
    for (const m of stretch) this.count(m);
    return [...messages, ...stretch];
  }

  private count(m: SimMessage): void {
    this.stats.messages++;
    if (this.pieces.has(m)) this.stats.pieces++;
  }

  private grow(partitions: number): void {
    for (let p = this.packers.length; p < partitions; p++) {
      this.packers.push(new MessagePacker(p, this.o.maxMessageBytes, this.o.maxEntriesPerMessage));
      this.recent.push([]);
    }
    this.partitions = partitions;
    this.stats.partitions = partitions;
  }

  private packerOf(partition: number): MessagePacker {
    const packer = this.packers[partition];
    if (packer === undefined) throw new RangeError(`no partition ${partition}`);
    return packer;
  }

  private nextSeqId(serverId: string): bigint {
    const next = (this.seqIds.get(serverId) ?? 0n) + 1n;
    this.seqIds.set(serverId, next);
    return next;
  }
}

export function* writeDts(items: Iterable<BinlogItem>, writer: DtsWriter): Generator<SimMessage> {
  for (const item of items) yield* writer.write(item);
  yield* writer.end();
}
