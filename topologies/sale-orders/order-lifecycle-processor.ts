import {
  LATE_HEADER,
  readEventTimeWatermark,
  TimerService,
  type ChangeEvent,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type ProcessorSupplier,
  type StreamRecord,
  type Timer,
} from 'cdc-streams';
import {
  expiredEvent,
  isRowStatus,
  paymentRecordOf,
  rowEvent,
  sourceCoordinatesOf,
  type OrderEventRecord,
  type UnnumberedEvent,
} from './order-event.js';
import {
  ORDERS_STORE,
  PAYMENT_DEADLINES_STORE,
  orderTimerSerde,
  timerKeyOf,
  type OrderState,
  type OrderTimer,
} from './order-state.js';
import { SaleOrderRowError, SaleOrdersLifecycleError } from './sale-orders-errors.js';
import { describeChange, ORDERS_TABLE, readOrderColumns, readPaymentColumns } from './sale-rows.js';

export interface OrderLifecycleOptions {
  readonly paymentTimeoutMs: number;
  /** The zone zone-less DATETIME columns (`payments.paid_at`) are read in; default UTC. */
  readonly sourceTimeZone?: string;
}

/** Counters for the ops layer: rows that were legal but produced nothing, or produced something unusual. */
export interface OrderLifecycleMetrics {
  eventsEmitted: number;
  ordersExpired: number;
  remarkOnlyUpdates: number;
  paidWithoutPayment: number;
  unpairedPayments: number;
  paymentsWithoutOrder: number;
  updatesWithoutInsert: number;
  duplicateInserts: number;
  ignoredRows: number;
}

/**
 * The order lifecycle of docs/design.md 2.1, after the resequencer: per order, row changes arrive in binlog
 * order, redeliveries already dropped. `orders` INSERT → OrderCreated; an UPDATE that changes status →
 * the new status's event; a remark edit → nothing; `seq` counts per order in the `orders` store.
 *
 * Payment timeout: the INSERT registers a timer at its event time + timeout in `payment-deadlines`, a
 * RocksDB store without a changelog whose timers are registered again from `orders` at every start.
 * Before any row of an order is applied, the order's own deadline fires if it lies strictly before the
 * row's event time (a payment or cancel at exactly the deadline is in time); the event-time watermark
 * fires every deadline at or before it. A PAID or CANCELLED in time cancels the timer.
 *
 * Pairing OrderPaid with its payment: both rows share the transaction's GTID and come together in
 * binlog order, the payment before or after the UPDATE. A payment that comes first waits in the order's
 * state; an UPDATE to PAID that comes first waits there as `pendingPaid` until its payment arrives. A
 * transaction without a payment for the order must still emit: the pending event is flushed (payment
 * null) by the next row of the order from another transaction, or by a `pairing` timer at the
 * transaction's time, which fires once the watermark says nothing of that second can still come.
 */
interface Bound {
  readonly context: ProcessorContext<string, OrderEventRecord>;
  readonly orders: KeyValueStore<string, OrderState>;
  readonly timers: TimerService<OrderTimer>;
}

export class OrderLifecycleProcessor implements Processor<string, ChangeEvent, string, OrderEventRecord> {
  readonly metrics: OrderLifecycleMetrics = {
    eventsEmitted: 0,
    ordersExpired: 0,
    remarkOnlyUpdates: 0,
    paidWithoutPayment: 0,
    unpairedPayments: 0,
    paymentsWithoutOrder: 0,
    updatesWithoutInsert: 0,
    duplicateInserts: 0,
    ignoredRows: 0,
  };
  private bound: Bound | undefined;

  constructor(private readonly options: OrderLifecycleOptions) {}

  async init(context: ProcessorContext<string, OrderEventRecord>): Promise<void> {
    this.bound = {
      context,
      orders: context.getStateStore<string, OrderState>(ORDERS_STORE),
      timers: new TimerService(context.getStateStore<Buffer, Buffer>(PAYMENT_DEADLINES_STORE), orderTimerSerde),
    };
    await this.registerOpenTimers();
  }

  /**
   * The timers follow from the orders: a deadline for every order with one open, a pairing timer for
   * every OrderPaid waiting for its payment. `payment-deadlines` has no changelog; at every start its
   * timers are registered again from the `orders` store (restored from its changelog), so a lost or
   * stale local timer store can only hold extra timers — and a timer whose order moved on is ignored
   * when it fires (`onTimer`). One read of the task's orders per start, instead of two changelog records
   * per order.
   */
  private async registerOpenTimers(): Promise<void> {
    for await (const { value: state } of this.orders.all()) {
      const orderId = state.orderId;
      if (state.deadline !== null) this.timers.register(state.deadline, timerKeyOf({ kind: 'payment-deadline', orderId }), { kind: 'payment-deadline', orderId });
      if (state.pendingPaid !== null) this.timers.register(state.pendingPaid.event.occurredAt, timerKeyOf({ kind: 'pairing', orderId }), { kind: 'pairing', orderId });
    }
  }

  async process(record: StreamRecord<string, ChangeEvent>): Promise<void> {
    const change = record.value;
    const orderId = record.key;
    const late = record.headers[LATE_HEADER] === 'true';
    const before = await this.orders.get(orderId);
    if (before !== undefined) this.catchUp(before, change, late);
    const after = change.table === ORDERS_TABLE ? this.applyOrderRow(orderId, before, change, late) : this.applyPaymentRow(orderId, before, change, late);
    if (after !== undefined) this.orders.put(orderId, after);
  }

  /** The resequencer releases what a watermark covers at once: their orders are read in one round trip. */
  prefetch(records: ReadonlyArray<StreamRecord<string, ChangeEvent>>): Promise<void> {
    return this.orders.prefetch(records.map((record) => record.key));
  }

  async processControl(record: StreamRecord<unknown, unknown>): Promise<void> {
    const watermark = readEventTimeWatermark(record);
    // Only the resequencer's watermark means anything here; this is the last processor before the sink.
    if (watermark === undefined) return;
    await this.timers.fireDue(watermark.timeWatermark, (timer) => this.onTimer(timer));
  }

  reportMetrics(): Readonly<Record<string, number>> {
    return { ...this.metrics };
  }

  /** What must happen before a row of another transaction, or a later time, is applied to the order. */
  private catchUp(state: OrderState, change: ChangeEvent, late: boolean): void {
    const { gtid, timestamp } = change.source;
    if (state.pendingPaid !== null && state.pendingPaid.gtid !== gtid) this.flushPendingPaid(state);
    if (state.transactionPayment !== null && state.transactionPayment.gtid !== gtid) {
      this.metrics.unpairedPayments++;
      state.transactionPayment = null;
    }
    if (state.deadline !== null && state.deadline < timestamp) this.expire(state, late);
  }

  private applyOrderRow(orderId: string, state: OrderState | undefined, change: ChangeEvent, late: boolean): OrderState | undefined {
    const where = describeChange(change, orderId);
    if (change.op === 'delete' || change.after === undefined) {
      this.metrics.ignoredRows++;
      return state;
    }
    const row = readOrderColumns(change.after, where);
    const occurredAt = change.source.timestamp;
    const source = sourceCoordinatesOf(change);
    if (change.op === 'insert') {
      if (state !== undefined) {
        this.metrics.duplicateInserts++;
        return state;
      }
      const deadline = occurredAt + this.options.paymentTimeoutMs;
      const created: OrderState = {
        orderId,
        status: 'CREATED',
        rowStatus: row.status,
        seq: 0,
        createdAt: occurredAt,
        deadline,
        expired: false,
        creation: { amount: row.amount, userId: row.userId, skuId: row.skuId, source },
        lastChangeAt: occurredAt,
        pendingPaid: null,
        transactionPayment: null,
      };
      this.timers.register(deadline, timerKeyOf({ kind: 'payment-deadline', orderId }), { kind: 'payment-deadline', orderId });
      this.emit(created, rowEvent(row, 'CREATED', { occurredAt, source, late, afterExpiry: false }));
      return created;
    }
    const current = state ?? this.adopt(orderId, row.status, occurredAt);
    const previous = change.before?.['status'] ?? current.rowStatus;
    current.rowStatus = row.status;
    current.lastChangeAt = occurredAt;
    if (previous === row.status) {
      this.metrics.remarkOnlyUpdates++;
      return current;
    }
    if (!isRowStatus(row.status)) throw new SaleOrderRowError(`${where}: status '${row.status}' has no order event`);
    const settles = row.status === 'PAID' || row.status === 'CANCELLED';
    if (settles && current.deadline !== null && occurredAt <= current.deadline) {
      this.timers.cancel(current.deadline, timerKeyOf({ kind: 'payment-deadline', orderId }));
      current.deadline = null;
    }
    const event = rowEvent(row, row.status, { occurredAt, source, late, afterExpiry: row.status === 'PAID' && current.expired });
    if (row.status !== 'PAID') {
      this.emit(current, event);
      return current;
    }
    const payment = current.transactionPayment;
    if (payment !== null && payment.gtid === change.source.gtid) {
      current.transactionPayment = null;
      this.emit(current, { ...event, payment: payment.payment, late: late || payment.late });
      return current;
    }
    current.pendingPaid = { gtid: change.source.gtid, event };
    this.timers.register(occurredAt, timerKeyOf({ kind: 'pairing', orderId }), { kind: 'pairing', orderId });
    return current;
  }

  private applyPaymentRow(orderId: string, state: OrderState | undefined, change: ChangeEvent, late: boolean): OrderState | undefined {
    if (change.op !== 'insert' || change.after === undefined) {
      this.metrics.ignoredRows++;
      return state;
    }
    if (state === undefined) {
      this.metrics.paymentsWithoutOrder++;
      return undefined;
    }
    const payment = paymentRecordOf(readPaymentColumns(change.after, describeChange(change, orderId), this.options.sourceTimeZone ?? 'UTC'));
    const pending = state.pendingPaid;
    if (pending !== null && pending.gtid === change.source.gtid) {
      state.pendingPaid = null;
      this.timers.cancel(pending.event.occurredAt, timerKeyOf({ kind: 'pairing', orderId }));
      this.emit(state, { ...pending.event, payment, late: pending.event.late || late });
      return state;
    }
    // A second payment of one transaction for one order: the last one wins, as in the ground truth.
    state.transactionPayment = { gtid: change.source.gtid, payment, late };
    return state;
  }

  private async onTimer(timer: Timer<OrderTimer>): Promise<void> {
    const { orderId, kind } = timer.payload;
    const state = await this.orders.get(orderId);
    // A timer whose order moved on (settled, flushed) was cancelled; one left behind is stale, not an error.
    if (state === undefined) return;
    if (kind === 'payment-deadline') {
      if (state.deadline !== timer.dueTime) return;
      this.expire(state, false);
    } else {
      if (state.pendingPaid === null || state.pendingPaid.event.occurredAt !== timer.dueTime) return;
      this.flushPendingPaid(state);
    }
    this.orders.put(orderId, state);
  }

  /** OrderExpired at the deadline. Flagged late when a late record triggered it: an earlier payment may yet appear. */
  private expire(state: OrderState, late: boolean): void {
    const deadline = state.deadline;
    if (deadline === null || state.creation === null) return;
    this.timers.cancel(deadline, timerKeyOf({ kind: 'payment-deadline', orderId: state.orderId }));
    state.deadline = null;
    state.expired = true;
    this.metrics.ordersExpired++;
    this.emit(state, expiredEvent(state.orderId, state.creation, deadline, late));
  }

  private flushPendingPaid(state: OrderState): void {
    const pending = state.pendingPaid;
    if (pending === null) return;
    state.pendingPaid = null;
    this.timers.cancel(pending.event.occurredAt, timerKeyOf({ kind: 'pairing', orderId: state.orderId }));
    this.metrics.paidWithoutPayment++;
    this.emit(state, pending.event);
  }

  /** An order first seen by an UPDATE (its INSERT predates the subscription): events from seq 1, no deadline. */
  private adopt(orderId: string, rowStatus: string, at: number): OrderState {
    this.metrics.updatesWithoutInsert++;
    return {
      orderId,
      status: isRowStatus(rowStatus) ? rowStatus : 'CREATED',
      rowStatus,
      seq: 0,
      createdAt: null,
      deadline: null,
      expired: false,
      creation: null,
      lastChangeAt: at,
      pendingPaid: null,
      transactionPayment: null,
    };
  }

  private get context(): ProcessorContext<string, OrderEventRecord> {
    return this.require().context;
  }

  private get orders(): KeyValueStore<string, OrderState> {
    return this.require().orders;
  }

  private get timers(): TimerService<OrderTimer> {
    return this.require().timers;
  }

  private require(): Bound {
    if (this.bound === undefined) throw new SaleOrdersLifecycleError('order-lifecycle: used before init()');
    return this.bound;
  }

  private emit(state: OrderState, event: UnnumberedEvent): void {
    state.seq++;
    state.status = event.status;
    this.metrics.eventsEmitted++;
    this.context.forward({ key: state.orderId, value: { ...event, seq: state.seq }, timestamp: event.occurredAt, headers: {} });
  }
}

export function orderLifecycle(options: OrderLifecycleOptions): ProcessorSupplier<string, ChangeEvent, string, OrderEventRecord> {
  return () => new OrderLifecycleProcessor(options);
}
