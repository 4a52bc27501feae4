import { decodeEntries, decodeEnvelope, gtidSequenceOf, type DtsEntry } from '../src/index.js';

/**
 * Wall-clock bookkeeping of the latency stage's paced writer, from the DTS bytes it writes:
 * - when each transaction was completely written (the last message carrying any of its entries), and
 * - when its shard's watermark covered it: every input partition has shown, by a COMMIT/ROLLBACK, a later
 *   transaction or a heartbeat, that nothing of the shard at or before its GTID sequence can still come
 *   (docs/design.md 3.3). This replays the rule on the writer's side; the processor can only see a record at or
 *   after these instants, so `covered - written` is the hold the watermark imposes and what is left of the
 *   output's latency is processing (fetch, repartition hop, resequencer release, lifecycle, produce).
 */
export class SourceClock {
  private readonly written = new Map<string, number>();
  private readonly covered = new Map<string, number>();
  /** shard → per partition: highest GTID sequence passed. */
  private readonly passed = new Map<string, bigint[]>();
  /** shard → GTID sequences seen and not yet covered, ascending. */
  private readonly waiting = new Map<string, bigint[]>();
  /** partition → pieces of an unfinished chunk group. */
  private readonly pieces = new Map<number, Buffer[]>();

  constructor(private readonly partitions: number) {}

  /** Call after the message was acknowledged, with the wall-clock time it was written. */
  observe(partition: number, value: Buffer, wallMs: number): void {
    const envelope = decodeEnvelope(value);
    let data: Buffer;
    if (envelope.total === 1) {
      data = envelope.data;
    } else {
      const group = envelope.index === 0 ? [] : (this.pieces.get(partition) ?? []);
      group.push(envelope.data);
      if (group.length < envelope.total) {
        this.pieces.set(partition, group);
        return;
      }
      this.pieces.delete(partition);
      data = Buffer.concat(group);
    }
    const touched = new Set<string>();
    for (const entry of decodeEntries(data)) this.observeEntry(partition, entry, wallMs, touched);
    for (const shard of touched) this.release(shard, wallMs);
  }

  writtenAt(serverId: string, gtid: string): number | undefined {
    return this.written.get(`${serverId}|${gtid}`);
  }

  coveredAt(serverId: string, gtid: string): number | undefined {
    const seq = gtidSequenceOf(gtid);
    return seq === undefined ? undefined : this.covered.get(`${serverId}|${seq}`);
  }

  private observeEntry(partition: number, entry: DtsEntry, wallMs: number, touched: Set<string>): void {
    const { serverId, gtid } = entry.header;
    const seq = gtidSequenceOf(gtid);
    if (seq === undefined) return;
    let passedSeq: bigint;
    if (entry.event.kind === 'heartbeat' || entry.event.kind === 'commit' || entry.event.kind === 'rollback') passedSeq = seq;
    else passedSeq = seq - 1n;
    if (entry.event.kind !== 'heartbeat') {
      const key = `${serverId}|${gtid}`;
      if (!this.written.has(key)) this.wait(serverId, seq);
      this.written.set(key, wallMs);
    }
    let perPartition = this.passed.get(serverId);
    if (perPartition === undefined) {
      perPartition = new Array<bigint>(this.partitions).fill(-1n);
      this.passed.set(serverId, perPartition);
    }
    if (passedSeq > (perPartition[partition] ?? -1n)) perPartition[partition] = passedSeq;
    touched.add(serverId);
  }

  private wait(serverId: string, seq: bigint): void {
    let queue = this.waiting.get(serverId);
    if (queue === undefined) {
      queue = [];
      this.waiting.set(serverId, queue);
    }
    let at = queue.length;
    while (at > 0 && (queue[at - 1] as bigint) > seq) at--;
    queue.splice(at, 0, seq);
  }

  private release(serverId: string, wallMs: number): void {
    const perPartition = this.passed.get(serverId);
    const queue = this.waiting.get(serverId);
    if (perPartition === undefined || queue === undefined) return;
    let min = perPartition[0] as bigint;
    for (const p of perPartition) if (p < min) min = p;
    let n = 0;
    while (n < queue.length && (queue[n] as bigint) <= min) n++;
    if (n === 0) return;
    for (const seq of queue.splice(0, n)) this.covered.set(`${serverId}|${seq}`, wallMs);
  }
}
