import type { BinlogItem, BinlogTransaction } from './model/binlog.js';
import type { PaymentRow } from './model/sale-schema.js';
import { EVENT_TYPE_OF_STATUS, type ExpectedEvent, type ExpectedOrder, type OrderEventSource } from './expected-event.js';
import { SimulatorInvariantError } from './sim-errors.js';

type Unnumbered = Omit<ExpectedEvent, 'seq'>;

interface OpenOrder {
  readonly created: Unnumbered;
  readonly events: Unnumbered[];
}

/**
 * Derives every order's expected events from the binlog, by the rules of docs/design.md section 2.1:
 * INSERT → OrderCreated; a status change → the event of the new status (OrderPaid carrying the
 * transaction's `payments` row for that order); a remark-only UPDATE → nothing; rolled-back
 * transactions → nothing; and the payment timeout (see {@link applyPaymentTimeout}).
 */
export class GroundTruthBuilder {
  private readonly open = new Map<bigint, OpenOrder>();

  constructor(private readonly paymentTimeoutSeconds: number) {}

  /** Takes the next binlog item; returns the orders it finished (nothing left planned for them). */
  accept(item: BinlogItem): ExpectedOrder[] {
    if (item.kind !== 'transaction' || item.outcome !== 'commit') return [];
    this.applyTransaction(item);
    const done: ExpectedOrder[] = [];
    for (const id of item.finishedOrders) {
      const order = this.open.get(id);
      if (order === undefined) continue;
      this.open.delete(id);
      done.push(this.close(order));
    }
    return done;
  }

  /** The orders still open at the end of the binlog, in order-id order. */
  finish(): ExpectedOrder[] {
    const ids = [...this.open.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const done = ids.map((id) => this.close(this.open.get(id) as OpenOrder));
    this.open.clear();
    return done;
  }

  private applyTransaction(txn: BinlogTransaction): void {
    const payments = new Map<bigint, PaymentRow>();
    for (const event of txn.events) {
      if (event.table === 'payments') for (const r of event.rows) payments.set(r.after.order_id, r.after);
    }
    for (const event of txn.events) {
      if (event.table !== 'orders') continue;
      const source: OrderEventSource = {
        serverId: txn.shard.serverId,
        gtid: txn.gtid,
        file: txn.fileName,
        position: event.position.toString(),
      };
      for (const { before, after } of event.rows) {
        if (before === undefined) {
          if (this.open.has(after.order_id)) throw new SimulatorInvariantError(`order ${after.order_id} inserted twice`);
          const created: Unnumbered = {
            orderId: after.order_id.toString(),
            type: 'OrderCreated',
            status: 'CREATED',
            amount: after.amount,
            userId: after.user_id.toString(),
            skuId: after.sku_id.toString(),
            occurredAt: txn.timestamp * 1000,
            afterExpiry: false,
            late: false,
            payment: null,
            source,
          };
          this.open.set(after.order_id, { created, events: [created] });
          continue;
        }
        if (before.status === after.status) continue;
        const order = this.open.get(after.order_id);
        if (order === undefined) throw new SimulatorInvariantError(`order ${after.order_id} updated before it was created`);
        const payment = after.status === 'PAID' ? payments.get(after.order_id) : undefined;
        // Ids and SKU never change after the INSERT: share its strings, 200,000 orders are held at once.
        const { orderId, userId, skuId } = order.created;
        order.events.push({
          orderId,
          type: EVENT_TYPE_OF_STATUS[after.status],
          status: after.status,
          amount: after.amount,
          userId: after.user_id.toString() === userId ? userId : after.user_id.toString(),
          skuId: after.sku_id.toString() === skuId ? skuId : after.sku_id.toString(),
          occurredAt: txn.timestamp * 1000,
          afterExpiry: false,
          late: false,
          source,
          payment:
            payment === undefined
              ? null
              : {
                  paymentId: payment.payment_id.toString(),
                  channel: payment.channel,
                  amount: payment.amount,
                  paidAt: payment.paid_at * 1000,
                },
        });
      }
    }
  }

  private close(order: OpenOrder): ExpectedOrder {
    const events = applyPaymentTimeout(order.created, order.events, this.paymentTimeoutSeconds * 1000);
    return { orderId: order.created.orderId, events: events.map((e, i) => ({ ...e, seq: i + 1 })) };
  }
}

/**
 * The payment timeout: unless a transition to PAID or CANCELLED has an event time at or before
 * `created + timeout`, the order expires at exactly that time. OrderExpired goes before the first
 * event after the deadline; an OrderPaid after it is flagged `afterExpiry`. OrderExpired carries
 * status EXPIRED, the order's amount, user and SKU, and the source coordinates of its INSERT.
 */
export function applyPaymentTimeout(created: Unnumbered, events: readonly Unnumbered[], timeoutMs: number): Unnumbered[] {
  const deadline = created.occurredAt + timeoutMs;
  const settled = events.some(
    (e) => (e.type === 'OrderPaid' || e.type === 'OrderCancelled') && e.occurredAt <= deadline,
  );
  if (settled) return [...events];
  const expired: Unnumbered = { ...created, type: 'OrderExpired', status: 'EXPIRED', occurredAt: deadline };
  const cut = events.findIndex((e) => e.occurredAt > deadline);
  const before = cut < 0 ? events : events.slice(0, cut);
  const after = cut < 0 ? [] : events.slice(cut);
  return [
    ...before,
    expired,
    ...after.map((e) => (e.type === 'OrderPaid' ? { ...e, afterExpiry: true } : e)),
  ];
}

/** Every order's expected events, streamed as orders finish. */
export function* groundTruthOf(items: Iterable<BinlogItem>, paymentTimeoutSeconds: number): Generator<ExpectedOrder> {
  const builder = new GroundTruthBuilder(paymentTimeoutSeconds);
  for (const item of items) yield* builder.accept(item);
  yield* builder.finish();
}
