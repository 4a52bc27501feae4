import { chunkEntries, encodeEntries, encodeEnvelope, type DtsEntry, type DtsHeader } from '../../src/cdc/dts/index.js';
import { DtsDataType, DtsDmlType, DtsMessageType, type DtsEvent } from '../../src/cdc/dts/dts-model.js';
import { Prng as Random } from '../../src/sim/prng.js';

/** The simulator's seeded PRNG (mulberry32): a scenario is a pure function of its seed. */
export { Prng as Random } from '../../src/sim/prng.js';

/** One committed row in source order: the identity the pipeline must emit exactly once, in order per key. */
export interface ExpectedRow {
  readonly key: string;
  readonly id: string;
}

export interface GeneratedStream {
  /** Per input partition, the Kafka record values in offset order (redeliveries included). */
  readonly partitions: Buffer[][];
  /** Per key, the identities `serverId:gtidSeq:position:rowIndex` in source order. */
  readonly expected: Map<string, string[]>;
  /**
   * One message with every shard's last heartbeat again: what an idle partition keeps receiving in
   * production (heartbeats are periodic), so a restarted task relearns its progress.
   */
  readonly idleHeartbeats: Buffer;
}

const BASE_TIME = 1_700_000_000;
const NONE: readonly never[] = [];

function header(kind: DtsEvent['kind'], serverId: string, seq: number, position: bigint, timestamp: number): DtsHeader {
  const messageType = {
    begin: DtsMessageType.BEGIN,
    commit: DtsMessageType.COMMIT,
    dml: DtsMessageType.DML,
    ddl: DtsMessageType.DDL,
    rollback: DtsMessageType.ROLLBACK,
    heartbeat: DtsMessageType.HEARTBEAT,
    checkpoint: DtsMessageType.CHECKPOINT,
  }[kind];
  return {
    version: 1,
    sourceType: 0,
    messageType,
    timestamp,
    serverId,
    fileName: 'binlog.000001',
    position,
    gtid: `uuid-${serverId}:${seq}`,
    schemaName: 'sale',
    tableName: kind === 'dml' ? 'orders' : '',
    seqId: 0n,
    eventIndex: 0n,
    isLast: false,
    properties: NONE,
  };
}

function dml(serverId: string, seq: number, position: bigint, timestamp: number, keys: readonly string[]): DtsEntry {
  return {
    header: header('dml', serverId, seq, position, timestamp),
    event: {
      kind: 'dml',
      dmlType: DtsDmlType.INSERT,
      columns: [{ name: 'k', originalType: 'varchar(32)', isKey: true }],
      rows: keys.map((k) => ({
        oldColumns: NONE,
        newColumns: [{ dataType: DtsDataType.STRING, charset: 'utf8mb4', sv: '', bv: Buffer.from(k, 'utf8') }],
      })),
      properties: NONE,
    },
  };
}

const simple = (kind: 'begin' | 'commit' | 'rollback', serverId: string, seq: number, position: bigint, timestamp: number): DtsEntry => {
  const h = header(kind, serverId, seq, position, timestamp);
  if (kind === 'begin') return { header: h, event: { kind, transactionId: `x${seq}`, threadId: 1n, properties: NONE } };
  if (kind === 'commit') return { header: h, event: { kind, transactionId: `x${seq}`, properties: NONE } };
  return { header: h, event: { kind, properties: NONE } };
};

const heartbeat = (serverId: string, seq: number, timestamp: number): DtsEntry => ({
  header: header('heartbeat', serverId, seq, 0n, timestamp),
  event: { kind: 'heartbeat', epoch: BigInt(timestamp), properties: NONE },
});

/**
 * Random transactions over several shards, spread over P partitions (each partition carries BEGIN and
 * COMMIT/ROLLBACK around its share of DML entries), heartbeats to every partition, then per partition:
 * random interleaving of shards, random packing into Entries, random chunking into pieces, and producer
 * restarts that re-send stretches (cut mid-group, restarted before, or resumed mid-group).
 */
export function generateStream(seed: number): GeneratedStream {
  const rnd = new Random(seed);
  const shardCount = rnd.int(1, 3);
  const partitionCount = rnd.int(1, 4);
  const expected = new Map<string, string[]>();
  const finalHeartbeats: DtsEntry[] = [];
  // perPartitionPerShard[p][s] = entries of shard s on partition p, in binlog order
  const lanes: DtsEntry[][][] = Array.from({ length: partitionCount }, () => Array.from({ length: shardCount }, () => []));
  for (let s = 0; s < shardCount; s++) {
    const serverId = String(101 + s);
    const keys = Array.from({ length: rnd.int(1, 3) }, (_, i) => `${serverId}-k${i}`);
    let seq = rnd.int(0, 5);
    let lastCommitted = seq;
    let position = 4n;
    const transactions = rnd.int(1, 6);
    for (let t = 0; t < transactions; t++) {
      const rolledBack = rnd.chance(0.15);
      const gtidSeq = seq + 1;
      const time = BASE_TIME + gtidSeq;
      const shares = new Map<number, DtsEntry[]>();
      const rows: ExpectedRow[] = [];
      const beginPosition = (position += 10n);
      for (let e = rnd.int(1, 3); e > 0; e--) {
        const at = (position += 100n);
        const rowKeys = Array.from({ length: rnd.int(1, 3) }, () => keys[rnd.int(0, keys.length - 1)] as string);
        rowKeys.forEach((key, rowIndex) => rows.push({ key, id: `${serverId}:${gtidSeq}:${at}:${rowIndex}` }));
        const p = rnd.int(0, partitionCount - 1);
        const share = shares.get(p) ?? [];
        share.push(dml(serverId, gtidSeq, at, time, rowKeys));
        shares.set(p, share);
      }
      const endPosition = (position += 10n);
      for (const [p, share] of shares) {
        (lanes[p]?.[s] as DtsEntry[]).push(
          simple('begin', serverId, gtidSeq, beginPosition, time),
          ...share,
          simple(rolledBack ? 'rollback' : 'commit', serverId, gtidSeq, endPosition, time),
        );
      }
      if (!rolledBack) {
        seq = gtidSeq;
        lastCommitted = gtidSeq;
        for (const row of rows) {
          const list = expected.get(row.key) ?? [];
          list.push(row.id);
          expected.set(row.key, list);
        }
      }
      if (rnd.chance(0.3)) for (const lane of lanes) lane[s]?.push(heartbeat(serverId, lastCommitted, BASE_TIME + lastCommitted));
    }
    // The shard ends with a heartbeat on every partition beyond its last transaction.
    for (const lane of lanes) lane[s]?.push(heartbeat(serverId, lastCommitted, BASE_TIME + lastCommitted + 100));
    finalHeartbeats.push(heartbeat(serverId, lastCommitted, BASE_TIME + lastCommitted + 200));
  }
  const partitions = lanes.map((shardLanes) => deliver(rnd, interleave(rnd, shardLanes)));
  const idleHeartbeats = encodeEnvelope({ version: 1, total: 1, index: 0, data: encodeEntries(finalHeartbeats), properties: NONE });
  return { partitions, expected, idleHeartbeats };
}

function interleave(rnd: Random, lanes: DtsEntry[][]): DtsEntry[] {
  const cursors = lanes.map(() => 0);
  const out: DtsEntry[] = [];
  for (;;) {
    const open = lanes.map((lane, i) => i).filter((i) => (cursors[i] as number) < (lanes[i] as DtsEntry[]).length);
    if (open.length === 0) return out;
    const i = open[rnd.int(0, open.length - 1)] as number;
    out.push((lanes[i] as DtsEntry[])[cursors[i] as number] as DtsEntry);
    cursors[i] = (cursors[i] as number) + 1;
  }
}

/** Packs entries into messages, chunks some, and replays stretches the way a restarting producer does. */
function deliver(rnd: Random, entries: DtsEntry[]): Buffer[] {
  const messages: Buffer[][] = [];
  for (let i = 0; i < entries.length; ) {
    const count = Math.min(rnd.int(1, 4), entries.length - i);
    const bytes = encodeEntries(entries.slice(i, i + count));
    const total = rnd.chance(0.4) ? rnd.int(2, 4) : 1;
    const pieceBytes = Math.max(1, Math.ceil(bytes.length / total));
    messages.push(chunkEntries(bytes, pieceBytes).map((envelope) => encodeEnvelope(envelope)));
    i += count;
  }
  const out: Buffer[] = [];
  let restarts = rnd.int(0, 2);
  for (let m = 0; m < messages.length; ) {
    const pieces = messages[m] as Buffer[];
    if (restarts > 0 && rnd.chance(0.15)) {
      restarts--;
      // The producer dies mid-message (some pieces out), then re-sends from a message before it,
      // possibly resuming inside that message's pieces (an orphan tail the consumer must skip).
      out.push(...pieces.slice(0, rnd.int(0, pieces.length - 1)));
      const back = Math.max(0, m - rnd.int(0, 3));
      const resumed = messages[back] as Buffer[];
      const from = back < m && rnd.chance(0.3) ? rnd.int(0, resumed.length - 1) : 0;
      out.push(...resumed.slice(from));
      m = back + 1;
      continue;
    }
    out.push(...pieces);
    m++;
  }
  return out;
}
