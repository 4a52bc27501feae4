import { describe, expect, it } from 'vitest';
import { decodeEntries, decodeEnvelope } from '../../src/cdc/dts/dts-decode.js';
import { encodeEntries } from '../../src/cdc/dts/dts-encode.js';
import type { DtsEntry } from '../../src/cdc/dts/dts-model.js';
import { transactionEntries } from '../../src/sim/dts-entries.js';
import { DtsWriter, resolveWriterOptions, type DtsWriterOptions } from '../../src/sim/dts-writer.js';
import type { SimMessage } from '../../src/sim/message-packer.js';
import type { BinlogItem } from '../../src/sim/model/binlog.js';
import { partitionKeyOf, partitionOf } from '../../src/sim/partitioner.js';
import { T0, heartbeat, insertOrders, insertPayments, orderRow, paymentRow, txn, updateOrders } from './binlog-builder.js';

const NO_REDELIVERY = { probability: 0, maxMessages: 1 };

function write(items: BinlogItem[], options: Partial<DtsWriterOptions>): { messages: SimMessage[]; writer: DtsWriter } {
  const writer = new DtsWriter(resolveWriterOptions({ redelivery: NO_REDELIVERY, ...options }));
  const messages = items.flatMap((item) => writer.write(item));
  messages.push(...writer.end());
  return { messages, writer };
}

/** Decodes whole (total 1) messages; pieces are left to the tests that look at them. */
function entriesOf(messages: SimMessage[]): { partition: number; entry: DtsEntry }[] {
  return messages.flatMap((m) => {
    const envelope = decodeEnvelope(m.value);
    if (envelope.total !== 1) return [];
    return decodeEntries(envelope.data).map((entry) => ({ partition: m.partition, entry }));
  });
}

/** An order id and a payment id whose primary-key hashes land on different partitions. */
function idsOnDifferentPartitions(partitions: number): { orderId: bigint; paymentId: bigint } {
  const orderId = 1_900_000_000_000_000_000n;
  const orderPartition = partitionOf(`sale.orders:${orderId}`, partitions);
  for (let paymentId = 1n; ; paymentId++) {
    if (partitionOf(`sale.payments:${paymentId}`, partitions) !== orderPartition) return { orderId, paymentId };
  }
}

describe('DtsWriter', () => {
  it('puts BEGIN and COMMIT with the same GTID around each partition’s share of a transaction spread by primary key', () => {
    const { orderId, paymentId } = idsOnDifferentPartitions(4);
    const row = orderRow(orderId, T0);
    const paid = { ...row, status: 'PAID' as const, version: 2 };
    const payment = txn(7, T0 + 60, [updateOrders([row, paid]), insertPayments(paymentRow(paymentId, row, T0 + 60))]);
    const { messages } = write([payment], { partitions: 4, strategy: 'primary-key' });
    const byPartition = new Map<number, DtsEntry[]>();
    for (const { partition, entry } of entriesOf(messages)) byPartition.set(partition, [...(byPartition.get(partition) ?? []), entry]);
    expect(byPartition.size).toBe(2);
    const shares = [...byPartition.values()].map((entries) => entries.map((e) => [e.event.kind, e.header.tableName, e.header.gtid]));
    const gtid = '3e11fa47-71ca-11e1-9e33-c80aa9429562:7';
    expect(shares).toContainEqual([['begin', '', gtid], ['dml', 'orders', gtid], ['commit', '', gtid]]);
    expect(shares).toContainEqual([['begin', '', gtid], ['dml', 'payments', gtid], ['commit', '', gtid]]);
  });

  it('keeps a transaction whole on the partition of its GTID under transaction partitioning', () => {
    const row = orderRow(5n, T0);
    const t = txn(3, T0, [insertOrders(row), insertPayments(paymentRow(9n, row, T0))]);
    const { messages } = write([t], { partitions: 8, strategy: 'transaction' });
    const partitions = new Set(entriesOf(messages).map((e) => e.partition));
    expect([...partitions]).toEqual([partitionOf('3e11fa47-71ca-11e1-9e33-c80aa9429562:3', 8)]);
  });

  it('cuts a too-big entry into consecutive pieces on one partition that reassemble to its Entries bytes', () => {
    const big = JSON.stringify({ lines: 'x'.repeat(10_000) });
    const small = txn(1, T0, [insertOrders(orderRow(1n, T0))]);
    const huge = txn(2, T0, [insertOrders(orderRow(2n, T0, { remark: big }))]);
    const { messages } = write([small, huge, heartbeat(T0 + 5, 2)], { partitions: 1, strategy: 'table', maxMessageBytes: 2048 });
    const pieceAt = messages.map((m, i) => ({ i, m, envelope: decodeEnvelope(m.value) })).filter((x) => x.envelope.total > 1);
    expect(pieceAt.length).toBeGreaterThanOrEqual(5); // 10 kB in pieces of at most 2 kB
    expect(pieceAt.map((x) => x.i)).toEqual(pieceAt.map((_, k) => (pieceAt[0]?.i ?? 0) + k));
    expect(pieceAt.map((x) => x.envelope.index)).toEqual(pieceAt.map((_, k) => k));
    expect(new Set(pieceAt.map((x) => x.m.partition)).size).toBe(1);
    for (const m of messages) expect(m.value.length).toBeLessThanOrEqual(2048);
    // The writer numbers seqId per shard from 1: txn 1 took 1..3, txn 2's BEGIN 4, its DML 5.
    let seq = 3n;
    const dml = transactionEntries(huge, () => ++seq)[1] as DtsEntry;
    expect(Buffer.concat(pieceAt.map((x) => x.envelope.data))).toEqual(encodeEntries([dml]));
  });

  it('writes each heartbeat to every partition with the shard’s serverId, last committed GTID and clock', () => {
    const { messages } = write([heartbeat(T0 + 5, 41)], { partitions: 3 });
    const beats = entriesOf(messages).filter((e) => e.entry.event.kind === 'heartbeat');
    expect(beats.map((b) => b.partition).sort()).toEqual([0, 1, 2]);
    for (const { entry } of beats) {
      expect([entry.header.serverId, entry.header.gtid, entry.header.timestamp]).toEqual([
        '1001',
        '3e11fa47-71ca-11e1-9e33-c80aa9429562:41',
        1_762_819_205,
      ]);
    }
  });

  it('hashes transactions over the new partition count after the increase, and heartbeats reach the new partitions', () => {
    const items: BinlogItem[] = [];
    for (let seq = 1; seq <= 40; seq++) items.push(txn(seq, T0, [insertOrders(orderRow(BigInt(seq), T0))]));
    items.push(heartbeat(T0 + 5, 40));
    const { messages, writer } = write(items, { partitions: 2, strategy: 'transaction', partitionIncrease: { afterTransactions: 10, to: 4 } });
    const entries = entriesOf(messages);
    for (const { partition, entry } of entries) {
      if (entry.event.kind === 'heartbeat') continue;
      const seq = Number(entry.header.gtid.split(':')[1]);
      expect(partition).toBe(partitionOf(entry.header.gtid, seq <= 10 ? 2 : 4));
    }
    expect(new Set(entries.filter((e) => e.entry.event.kind === 'heartbeat').map((e) => e.partition))).toEqual(new Set([0, 1, 2, 3]));
    expect(entries.some((e) => e.partition >= 2 && e.entry.event.kind === 'dml')).toBe(true);
    expect(writer.stats.partitions).toBe(4);
  });

  it('redelivers whole messages: each repeat is a byte-identical stretch ending at the partition’s latest message', () => {
    const items: BinlogItem[] = [];
    for (let i = 1; i <= 6; i++) {
      items.push(txn(i, T0 + i, [insertOrders(orderRow(BigInt(i), T0 + i))]));
      items.push(heartbeat(T0 + i, i));
    }
    const { messages, writer } = write(items, { partitions: 2, strategy: 'table', redelivery: { probability: 1, maxMessages: 4 } });
    let repeats = 0;
    for (const partition of [0, 1]) {
      const values = messages.filter((m) => m.partition === partition).map((m) => m.value.toString('hex'));
      const fresh: string[] = [];
      let i = 0;
      while (i < values.length) {
        const value = values[i] as string;
        if (!fresh.includes(value)) {
          fresh.push(value);
          i++;
          continue;
        }
        // A stretch: the last k fresh messages, in order.
        const k = fresh.length - fresh.lastIndexOf(value);
        expect(values.slice(i, i + k)).toEqual(fresh.slice(fresh.length - k));
        repeats += k;
        i += k;
      }
    }
    expect(repeats).toBeGreaterThan(0);
    expect(writer.stats.redeliveredMessages).toBe(repeats);
  });

  it('derives the primary-key partition from the first row of a statement, keeping a multi-row statement whole', () => {
    const a = orderRow(1n, T0);
    const b = orderRow(2n, T0);
    const entries = transactionEntries(txn(1, T0, [insertOrders(a, b)]), () => 1n);
    expect(partitionKeyOf('primary-key', entries[1] as DtsEntry)).toBe('sale.orders:1');
  });
});
