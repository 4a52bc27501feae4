import { Prng, deriveSeed } from '../prng.js';
import { SimulatorInvariantError } from '../sim-errors.js';
import type { BinlogHeartbeat, BinlogItem, BinlogRowsEvent, BinlogTransaction, RowChange, ShardIdentity } from './binlog.js';
import type { FlashSaleModelOptions } from './model-options.js';
import { planOrder, type OrderPlan } from './order-plan.js';
import { bigRemark, smallRemark } from './remark.js';
import { PAYMENT_CHANNELS, type OrderRow, type OrderStatus, type PaymentRow } from './sale-schema.js';
import { ShardLog } from './shard-log.js';
import { TimedQueue } from './timed-queue.js';

// Snowflake-sized ids, above 2^53: a consumer that goes through `number` anywhere gets them wrong.
const ORDER_ID_BASE = 1_900_000_000_000_000_000n;
const PAYMENT_ID_BASE = 2_100_000_000_000_000_000n;
const USER_ID_BASE = 10_000_000n;
const SKU_ID_BASE = 100_000n;
const SKU_PRICES_CENTS = [199_900n, 9_900n, 499_900n, 1n, 59_950n, 1_299_900n, 2_500n];
const SHIP_JOB_EVERY_SECONDS = 30;
const SHIP_BATCH = 50;
const CLEANUP_JOB_EVERY_SECONDS = 60;
const CLEANUP_BATCH = 100;

type Action =
  | { readonly kind: 'arrival' }
  | { readonly kind: 'pay'; readonly orderIds: readonly bigint[] }
  | { readonly kind: 'status'; readonly orderId: bigint; readonly to: OrderStatus }
  | { readonly kind: 'remark'; readonly orderId: bigint; readonly big: boolean }
  | { readonly kind: 'ship-ready'; readonly orderId: bigint }
  | { readonly kind: 'cleanup-ready'; readonly orderId: bigint }
  | { readonly kind: 'ship-job'; readonly shard: number }
  | { readonly kind: 'cleanup-job'; readonly shard: number }
  | { readonly kind: 'heartbeat' };

interface LiveOrder {
  row: OrderRow;
  readonly shard: number;
  readonly plan: OrderPlan;
  /** Scheduled actions and job lists that still refer to the order. */
  pending: number;
  edits: number;
}

type Statement =
  | { readonly table: 'orders'; readonly op: 'insert' | 'update'; readonly rows: readonly RowChange<OrderRow>[] }
  | { readonly table: 'payments'; readonly op: 'insert'; readonly rows: readonly RowChange<PaymentRow>[] };

interface Draft {
  readonly shard: number;
  readonly statements: readonly Statement[];
  readonly outcome: 'commit' | 'rollback';
}


/** How far past the last event and deadline the final heartbeats go (see `run`). */
const CLOSING_HEARTBEAT_SECONDS = 3600;
/**
 * The flash sale as a binlog: every shard's transactions and heartbeats, interleaved in event-time
 * order. A pure function of the options (and their seed); lazy, so memory follows the orders still
 * in flight, not the length of the run.
 */
export function* flashSaleBinlog(options: FlashSaleModelOptions): Generator<BinlogItem> {
  yield* new FlashSaleEngine(options).run();
}

class FlashSaleEngine {
  private readonly prng: Prng;
  private readonly shards: ShardLog[];
  private readonly queue = new TimedQueue<Action>();
  private readonly orders = new Map<bigint, LiveOrder>();
  private readonly localOrderCounters: number[];
  private readonly shipLists: bigint[][];
  private readonly cleanupLists: bigint[][];
  private readonly shipJobScheduled: boolean[];
  private readonly cleanupJobScheduled: boolean[];
  private readonly buyers: number;
  private created = 0;
  private nextPayment = 0n;
  private lastDeadline = 0;
  private now: number;

  constructor(private readonly o: FlashSaleModelOptions) {
    this.prng = new Prng(deriveSeed(o.seed, 1));
    this.now = o.startTime;
    this.shards = Array.from({ length: o.shards }, (_, index) => {
      const identity: ShardIdentity = { index, serverId: String(1001 + index), uuid: this.uuid() };
      return new ShardLog(identity, o.binlogFileBytes);
    });
    this.localOrderCounters = new Array<number>(o.shards).fill(0);
    this.shipLists = Array.from({ length: o.shards }, () => []);
    this.cleanupLists = Array.from({ length: o.shards }, () => []);
    this.shipJobScheduled = new Array<boolean>(o.shards).fill(false);
    this.cleanupJobScheduled = new Array<boolean>(o.shards).fill(false);
    this.buyers = Math.max(10, Math.floor(o.orders * 0.8));
  }

  *run(): Generator<BinlogItem> {
    if (this.o.orders > 0) this.queue.push(this.o.startTime, { kind: 'arrival' });
    if (this.o.heartbeatIntervalSeconds > 0) this.scheduleHeartbeat(this.o.startTime + this.o.heartbeatIntervalSeconds);
    for (let next = this.queue.pop(); next !== undefined; next = this.queue.pop()) {
      this.now = Math.floor(next.time);
      if (next.item.kind === 'heartbeat') {
        yield* this.heartbeats(this.now);
        if (this.queue.size > 0) this.scheduleHeartbeat(this.now + this.o.heartbeatIntervalSeconds);
        continue;
      }
      yield* this.execute(next.item);
    }
    // Heartbeats past the last deadline, so every payment timeout fires downstream, and an hour past the
    // last event, so downstream event-time windows (sale-stats: per minute, with grace) close as well.
    yield* this.heartbeats(Math.max(this.now, this.lastDeadline) + Math.max(CLOSING_HEARTBEAT_SECONDS, this.o.heartbeatIntervalSeconds));
  }

  /**
   * A heartbeat at second t is queued after everything else due at t, so it promises the shard has
   * nothing more with a timestamp at or before t.
   */
  private scheduleHeartbeat(time: number): void {
    this.queue.push(time + 0.5, { kind: 'heartbeat' });
  }

  private *heartbeats(time: number): Generator<BinlogHeartbeat> {
    for (const log of this.shards) {
      yield {
        kind: 'heartbeat',
        shard: log.identity,
        timestamp: time,
        lastCommittedGtid: log.lastCommittedGtid,
        fileName: log.fileName,
        position: log.currentPosition,
      };
    }
  }

  private execute(action: Action): BinlogTransaction[] {
    for (const id of ordersOf(action)) this.order(id).pending--;
    const drafts = this.drafts(action);
    const finished: bigint[] = [];
    for (const id of touchedOrders(action, drafts)) {
      const live = this.orders.get(id);
      if (live !== undefined && live.pending === 0) {
        finished.push(id);
        this.orders.delete(id);
      }
    }
    return drafts.map((draft, i) => this.materialize(draft, i === drafts.length - 1 ? finished : []));
  }

  private drafts(action: Action): Draft[] {
    switch (action.kind) {
      case 'arrival':
        return this.arrival();
      case 'pay':
        return this.pay(action.orderIds);
      case 'status': {
        const live = this.order(action.orderId);
        return [{ shard: live.shard, statements: [this.updateOrders([live], { status: action.to })], outcome: 'commit' }];
      }
      case 'remark': {
        const live = this.order(action.orderId);
        live.edits++;
        const remark = action.big ? bigRemark(this.prng, this.o.bigRemarkBytes, live.edits) : smallRemark(this.prng, live.edits);
        return [{ shard: live.shard, statements: [this.updateOrders([live], { remark })], outcome: 'commit' }];
      }
      case 'ship-ready':
        return this.enlist(action.orderId, this.shipLists, this.shipJobScheduled, 'ship-job', SHIP_JOB_EVERY_SECONDS);
      case 'cleanup-ready':
        return this.enlist(action.orderId, this.cleanupLists, this.cleanupJobScheduled, 'cleanup-job', CLEANUP_JOB_EVERY_SECONDS);
      case 'ship-job':
        return this.job(action.shard, this.shipLists, this.shipJobScheduled, 'ship-job', SHIP_JOB_EVERY_SECONDS, SHIP_BATCH, 'SHIPPED');
      case 'cleanup-job':
        return this.job(action.shard, this.cleanupLists, this.cleanupJobScheduled, 'cleanup-job', CLEANUP_JOB_EVERY_SECONDS, CLEANUP_BATCH, 'CANCELLED');
      case 'heartbeat':
        throw new SimulatorInvariantError('heartbeats are not transactions');
    }
  }

  private arrival(): Draft[] {
    const drafts: Draft[] = [];
    if (this.prng.chance(this.o.rollbackRate)) {
      // A buyer who lost the race: the stock check fails after the INSERT, and it rolls back.
      const shard = this.prng.int(0, this.o.shards - 1);
      const row = this.newOrderRow(this.allocateOrderId(shard), this.pickUser(), null);
      drafts.push({ shard, statements: [{ table: 'orders', op: 'insert', rows: [{ before: undefined, after: row }] }], outcome: 'rollback' });
    }
    const pair = this.o.orders - this.created >= 2 && this.prng.chance(this.o.pairRate);
    const shard = this.prng.int(0, this.o.shards - 1);
    const user = this.pickUser();
    const lives: LiveOrder[] = [];
    for (let i = 0; i < (pair ? 2 : 1); i++) {
      const plan = planOrder(this.prng, this.o, pair);
      const remark = plan.bigRemark === 'insert' ? bigRemark(this.prng, this.o.bigRemarkBytes, 0) : this.prng.chance(0.4) ? smallRemark(this.prng, 0) : null;
      const row = this.newOrderRow(this.allocateOrderId(shard), user, remark);
      const live: LiveOrder = { row, shard, plan, pending: 0, edits: 0 };
      this.orders.set(row.order_id, live);
      lives.push(live);
      this.lastDeadline = Math.max(this.lastDeadline, this.now + this.o.paymentTimeoutSeconds);
    }
    drafts.push({ shard, statements: [{ table: 'orders', op: 'insert', rows: lives.map((l) => ({ before: undefined, after: l.row })) }], outcome: 'commit' });
    this.created += lives.length;
    this.planFollowUps(lives);
    if (this.created < this.o.orders) {
      const progress = this.created / this.o.orders;
      // Front-loaded: most buyers arrive in the first moments of the sale.
      this.queue.push(this.o.startTime + Math.floor(this.o.saleDurationSeconds * progress * progress), { kind: 'arrival' });
    }
    return drafts;
  }

  private planFollowUps(lives: readonly LiveOrder[]): void {
    const t = this.now;
    const timeout = this.o.paymentTimeoutSeconds;
    const first = lives[0];
    if (first === undefined) return;
    const boundary = this.prng.chance(this.o.boundaryRate);
    switch (first.plan.fate) {
      case 'paid': {
        const delay = boundary ? timeout : Math.min(timeout - 1, 5 + Math.floor(this.prng.next() ** 3 * (timeout - 6)));
        this.schedule(t + delay, { kind: 'pay', orderIds: lives.map((l) => l.row.order_id) });
        break;
      }
      case 'paidLate':
        this.schedule(t + timeout + (boundary ? 1 : this.prng.int(1, 900)), { kind: 'pay', orderIds: [first.row.order_id] });
        break;
      case 'cancelled':
        this.schedule(t + (boundary ? timeout : this.prng.int(10, timeout - 1)), { kind: 'status', orderId: first.row.order_id, to: 'CANCELLED' });
        break;
      case 'expiredThenCancelled':
        this.schedule(t + timeout + this.prng.int(1, 60), { kind: 'cleanup-ready', orderId: first.row.order_id });
        break;
      case 'unpaid':
        break;
    }
    for (const live of lives) {
      for (let e = 0; e < live.plan.remarkEdits; e++) {
        const big = e === 0 && live.plan.bigRemark === 'edit';
        this.schedule(t + this.prng.int(1, timeout + 600), { kind: 'remark', orderId: live.row.order_id, big });
      }
    }
  }

  private pay(orderIds: readonly bigint[]): Draft[] {
    const lives = orderIds.map((id) => this.order(id));
    const first = lives[0];
    if (first === undefined) throw new SimulatorInvariantError('a payment for no order');
    for (const live of lives) this.expectStatus(live, 'CREATED', 'pay');
    const payments = (): Statement => ({
      table: 'payments',
      op: 'insert',
      rows: lives.map((l) => ({ before: undefined, after: this.newPaymentRow(l.row) })),
    });
    const drafts: Draft[] = [];
    if (this.prng.chance(this.o.rollbackRate)) {
      // A payment callback that failed half-way: its rows must never reach the output.
      const rolledBack = lives.map((l) => ({ before: l.row, after: this.updated(l.row, { status: 'PAID' }) }));
      drafts.push({ shard: first.shard, statements: [{ table: 'orders', op: 'update', rows: rolledBack }, payments()], outcome: 'rollback' });
    }
    drafts.push({ shard: first.shard, statements: [this.updateOrders(lives, { status: 'PAID' }), payments()], outcome: 'commit' });
    for (const live of lives) {
      const id = live.row.order_id;
      switch (live.plan.afterPaid) {
        case 'ship':
        case 'ship-then-refund':
          this.schedule(this.now + this.prng.int(60, 900), { kind: 'ship-ready', orderId: id });
          break;
        case 'refund':
          this.schedule(this.now + this.prng.int(30, 600), { kind: 'status', orderId: id, to: 'REFUNDED' });
          break;
        case 'stay':
          break;
      }
    }
    return drafts;
  }

  private enlist(orderId: bigint, lists: bigint[][], scheduled: boolean[], job: 'ship-job' | 'cleanup-job', every: number): Draft[] {
    const live = this.order(orderId);
    live.pending++;
    lists[live.shard]?.push(orderId);
    if (scheduled[live.shard] !== true) {
      scheduled[live.shard] = true;
      this.queue.push(Math.ceil((this.now + 1) / every) * every, { kind: job, shard: live.shard });
    }
    return [];
  }

  /** A batch job: one UPDATE statement moving many orders of one shard at once. */
  private job(shard: number, lists: bigint[][], scheduled: boolean[], job: 'ship-job' | 'cleanup-job', every: number, batch: number, to: OrderStatus): Draft[] {
    const list = lists[shard] ?? [];
    const ids = list.splice(0, batch);
    if (list.length > 0) this.queue.push(this.now + every, { kind: job, shard });
    else scheduled[shard] = false;
    const lives = ids.map((id) => this.order(id));
    for (const live of lives) {
      this.expectStatus(live, to === 'SHIPPED' ? 'PAID' : 'CREATED', job);
      live.pending--;
      if (to === 'SHIPPED' && live.plan.afterPaid === 'ship-then-refund') {
        this.schedule(this.now + this.prng.int(60, 1800), { kind: 'status', orderId: live.row.order_id, to: 'REFUNDED' });
      }
    }
    if (lives.length === 0) return [];
    return [{ shard, statements: [this.updateOrders(lives, { status: to })], outcome: 'commit' }];
  }

  /** UPDATE orders: applies the change to the live rows and returns the statement. */
  private updateOrders(lives: readonly LiveOrder[], change: { status?: OrderStatus; remark?: string }): Statement {
    const rows = lives.map((live) => {
      const before = live.row;
      live.row = this.updated(before, change);
      return { before, after: live.row };
    });
    return { table: 'orders', op: 'update', rows };
  }

  /** Optimistic locking: every UPDATE bumps `version`. */
  private updated(row: OrderRow, change: { status?: OrderStatus; remark?: string }): OrderRow {
    return { ...row, ...change, version: row.version + 1, updated_at: this.now };
  }

  private materialize(draft: Draft, finishedOrders: readonly bigint[]): BinlogTransaction {
    const log = this.shards[draft.shard];
    if (log === undefined) throw new SimulatorInvariantError(`no shard ${draft.shard}`);
    const begun = log.begin();
    const events: BinlogRowsEvent[] = draft.statements.map((s) => {
      const position = log.appendRows(statementBytes(s));
      return s.table === 'orders' ? { ...s, position } : { ...s, position };
    });
    const endPosition = log.end(begun.gtidSequence, draft.outcome);
    return {
      kind: 'transaction',
      shard: log.identity,
      ...begun,
      threadId: BigInt(this.prng.int(1000, 99_999)),
      timestamp: this.now,
      events,
      endPosition,
      outcome: draft.outcome,
      finishedOrders,
    };
  }

  private schedule(time: number, action: Action): void {
    for (const id of ordersOf(action)) this.order(id).pending++;
    this.queue.push(time, action);
  }

  private order(id: bigint): LiveOrder {
    const live = this.orders.get(id);
    if (live === undefined) throw new SimulatorInvariantError(`order ${id} is not in flight`);
    return live;
  }

  private expectStatus(live: LiveOrder, status: OrderStatus, step: string): void {
    if (live.row.status !== status) {
      throw new SimulatorInvariantError(`${step}: order ${live.row.order_id} is ${live.row.status}, expected ${status}`);
    }
  }

  /** Orders are sharded by id: shard = order_id mod shards. */
  private allocateOrderId(shard: number): bigint {
    const shards = BigInt(this.o.shards);
    const local = BigInt(this.localOrderCounters[shard] ?? 0);
    this.localOrderCounters[shard] = Number(local) + 1;
    const offset = (BigInt(shard) - (ORDER_ID_BASE % shards) + shards) % shards;
    return ORDER_ID_BASE + local * shards + offset;
  }

  private pickUser(): bigint {
    return USER_ID_BASE + BigInt(this.prng.int(0, this.buyers - 1));
  }

  private newOrderRow(orderId: bigint, userId: bigint, remark: string | null): OrderRow {
    const sku = this.prng.int(0, this.o.skus - 1);
    const price = SKU_PRICES_CENTS[sku % SKU_PRICES_CENTS.length] ?? 100n;
    const quantity = BigInt(this.prng.chance(0.2) ? 2 : 1);
    return {
      order_id: orderId,
      user_id: userId,
      sku_id: SKU_ID_BASE + BigInt(sku),
      amount: formatCents(price * quantity),
      status: 'CREATED',
      version: 1,
      remark,
      created_at: this.now,
      updated_at: this.now,
    };
  }

  private newPaymentRow(order: OrderRow): PaymentRow {
    return {
      payment_id: PAYMENT_ID_BASE + this.nextPayment++,
      order_id: order.order_id,
      amount: order.amount,
      channel: this.prng.pick(PAYMENT_CHANNELS),
      paid_at: this.now,
    };
  }

  private uuid(): string {
    const h = this.prng.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

function ordersOf(action: Action): readonly bigint[] {
  switch (action.kind) {
    case 'pay':
      return action.orderIds;
    case 'status':
    case 'remark':
    case 'ship-ready':
    case 'cleanup-ready':
      return [action.orderId];
    case 'arrival':
    case 'ship-job':
    case 'cleanup-job':
    case 'heartbeat':
      return [];
  }
}

/** Orders whose pending count may have reached zero: the action's own and those its commits wrote. */
function touchedOrders(action: Action, drafts: readonly Draft[]): bigint[] {
  const ids = new Set<bigint>(ordersOf(action));
  for (const d of drafts) {
    if (d.outcome !== 'commit') continue;
    for (const s of d.statements) if (s.table === 'orders') for (const r of s.rows) ids.add(r.after.order_id);
  }
  return [...ids];
}

function statementBytes(s: Statement): number {
  let bytes = 0;
  for (const r of s.rows) bytes += rowBytes(r.after) + (r.before === undefined ? 0 : rowBytes(r.before));
  return bytes;
}

function rowBytes(row: OrderRow | PaymentRow): number {
  return 'remark' in row ? 48 + (row.remark === null ? 0 : Buffer.byteLength(row.remark)) : 40;
}

export function formatCents(cents: bigint): string {
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${fraction}`;
}
