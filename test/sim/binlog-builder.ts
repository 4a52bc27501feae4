import type { BinlogHeartbeat, BinlogRowsEvent, BinlogTransaction, ShardIdentity } from '../../src/sim/model/binlog.js';
import type { OrderRow, PaymentRow } from '../../src/sim/model/sale-schema.js';

/** Hand-built binlogs for tests: 2025-11-11T00:00:00Z and one shard unless told. */
export const T0 = 1_762_819_200;
export const SHARD_A: ShardIdentity = { index: 0, serverId: '1001', uuid: '3e11fa47-71ca-11e1-9e33-c80aa9429562' };
export const MIN = 60;

export function orderRow(orderId: bigint, createdAt: number, change: Partial<OrderRow> = {}): OrderRow {
  return {
    order_id: orderId,
    user_id: 10_000_007n,
    sku_id: 100_001n,
    amount: '199.90',
    status: 'CREATED',
    version: 1,
    remark: null,
    created_at: createdAt,
    updated_at: createdAt,
    ...change,
  };
}

export function paymentRow(paymentId: bigint, order: OrderRow, paidAt: number): PaymentRow {
  return { payment_id: paymentId, order_id: order.order_id, amount: order.amount, channel: 'alipay', paid_at: paidAt };
}

type Statement =
  | { table: 'orders'; op: 'insert' | 'update'; rows: { before: OrderRow | undefined; after: OrderRow }[] }
  | { table: 'payments'; op: 'insert'; rows: { before: undefined; after: PaymentRow }[] };

/** Transaction `seq` at `timestamp`: BEGIN at seq*1000, statement i at seq*1000 + 100*(i+1). */
export function txn(
  seq: number,
  timestamp: number,
  statements: Statement[],
  options: { outcome?: 'commit' | 'rollback'; shard?: ShardIdentity; finished?: bigint[] } = {},
): BinlogTransaction {
  const base = BigInt(seq) * 1000n;
  const shard = options.shard ?? SHARD_A;
  const events = statements.map((s, i): BinlogRowsEvent => ({ ...s, position: base + 100n * BigInt(i + 1) }));
  return {
    kind: 'transaction',
    shard,
    gtidSequence: BigInt(seq),
    gtid: `${shard.uuid}:${seq}`,
    transactionId: String(5000 + seq),
    threadId: 77n,
    timestamp,
    fileName: 'mysql-bin.000003',
    beginPosition: base,
    events,
    endPosition: base + 900n,
    outcome: options.outcome ?? 'commit',
    finishedOrders: options.finished ?? [],
  };
}

export function insertOrders(...rows: OrderRow[]): Statement {
  return { table: 'orders', op: 'insert', rows: rows.map((after) => ({ before: undefined, after })) };
}

export function updateOrders(...changes: [OrderRow, OrderRow][]): Statement {
  return { table: 'orders', op: 'update', rows: changes.map(([before, after]) => ({ before, after })) };
}

export function insertPayments(...rows: PaymentRow[]): Statement {
  return { table: 'payments', op: 'insert', rows: rows.map((after) => ({ before: undefined, after })) };
}

export function heartbeat(timestamp: number, lastSeq: number, shard: ShardIdentity = SHARD_A): BinlogHeartbeat {
  return {
    kind: 'heartbeat',
    shard,
    timestamp,
    lastCommittedGtid: `${shard.uuid}:${lastSeq}`,
    fileName: 'mysql-bin.000003',
    position: 123_456n,
  };
}
