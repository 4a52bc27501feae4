import { describe, expect, it } from 'vitest';
import type { ExpectedEvent, ExpectedOrder } from '../../src/sim/expected-event.js';
import type { OutputOrderEvent } from '../../src/sim/output-event.js';
import { formatVerification } from '../../src/sim/verification-report.js';
import { verify } from '../../src/sim/verifier.js';

const GTID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function ev(orderId: string, seq: number, type: ExpectedEvent['type'], status: ExpectedEvent['status'], gtidSeq: number, position: string): ExpectedEvent {
  return {
    orderId,
    seq,
    type,
    status,
    amount: '199.90',
    userId: '10000007',
    skuId: '100001',
    occurredAt: 1_762_819_200_000 + gtidSeq * 1000,
    afterExpiry: false,
    late: false,
    payment: type === 'OrderPaid' ? { paymentId: '2100000000000000001', channel: 'wechat', amount: '199.90', paidAt: 1_762_819_202_000 } : null,
    source: { serverId: '1001', gtid: `${GTID}:${gtidSeq}`, file: 'mysql-bin.000001', position },
  };
}

const A = '1900000000000000001';
const B = '1900000000000000002';
const truth: ExpectedOrder[] = [
  { orderId: A, events: [ev(A, 1, 'OrderCreated', 'CREATED', 1, '4'), ev(A, 2, 'OrderPaid', 'PAID', 2, '400'), ev(A, 3, 'OrderShipped', 'SHIPPED', 3, '800')] },
  { orderId: B, events: [ev(B, 1, 'OrderCreated', 'CREATED', 1, '4'), ev(B, 2, 'OrderExpired', 'EXPIRED', 1, '4')] },
];
const exact = (): OutputOrderEvent[] => truth.flatMap((o) => o.events);

describe('verify', () => {
  it('passes an exact copy, also when int64s arrive as bigint and amounts with another scale', () => {
    const summary = verify(truth, exact());
    expect(summary.ok).toBe(true);
    expect(summary.orders).toMatchObject({ expected: 2, read: 2, ok: 2 });
    const retyped = exact().map((e) => ({ ...e, orderId: BigInt(e.orderId), seq: BigInt(e.seq), amount: '199.9', source: { ...e.source, position: BigInt(e.source.position) } }));
    expect(verify(truth, retyped).ok).toBe(true);
    expect(formatVerification(summary)).toContain('RESULT: OK');
  });

  it('reports a missing event by its seq and type', () => {
    const summary = verify(truth, exact().filter((e) => !(e.orderId === A && e.seq === 2)));
    expect(summary.ok).toBe(false);
    expect(summary.events.missing).toBe(1);
    expect(summary.examples[0]?.problems).toContainEqual({ kind: 'missing-events', detail: 'not read: seq 2 OrderPaid' });
  });

  it('reports an order with nothing read as a missing order', () => {
    const summary = verify(truth, exact().filter((e) => e.orderId !== B));
    expect(summary.orders.withProblem['missing-order']).toBe(1);
    expect(summary.events.missing).toBe(2);
  });

  it('reports a redelivered event as duplicated', () => {
    const events = exact();
    events.splice(2, 0, events[1] as OutputOrderEvent);
    const summary = verify(truth, events);
    expect(summary.events.duplicated).toBe(1);
    expect(summary.orders.withProblem.duplicated).toBe(1);
    expect(summary.ok).toBe(false);
  });

  it('reports events read in the wrong order', () => {
    const [c, p, s, ...rest] = exact();
    const summary = verify(truth, [c, s, p, ...rest] as OutputOrderEvent[]);
    expect(summary.orders.withProblem['out-of-order']).toBe(1);
    expect(summary.examples[0]?.problems.find((x) => x.kind === 'out-of-order')?.detail).toBe('read in expected-seq order 1,3,2');
  });

  it('reports extra events and orders the ground truth does not have', () => {
    const stray = ev('77', 1, 'OrderCreated', 'CREATED', 9, '12');
    const extra = { ...ev(A, 4, 'OrderRefunded', 'REFUNDED', 4, '1200') };
    const summary = verify(truth, [...exact(), stray, extra]);
    expect(summary.orders.withProblem['unexpected-order']).toBe(1);
    expect(summary.orders.withProblem['unexpected-events']).toBe(1);
    expect(summary.events.unexpected).toBe(2);
  });

  it('names the field that differs, including a wrong source position', () => {
    const events = exact().map((e) =>
      e.orderId === A && e.seq === 2 ? { ...e, amount: '19.99', payment: { ...(e.payment as NonNullable<ExpectedEvent['payment']>), channel: 'card' } } : e,
    );
    events[0] = { ...(events[0] as OutputOrderEvent), source: { ...(events[0] as OutputOrderEvent).source, position: '5' } };
    events[4] = { ...(events[4] as OutputOrderEvent), late: true };
    const summary = verify(truth, events);
    expect(summary.mismatchedFields).toEqual({ amount: 1, 'payment.channel': 1, 'source.position': 1, late: 1 });
    expect(summary.events.mismatched).toBe(3);
    expect(summary.events.missing).toBe(0);
    expect(formatVerification(summary)).toContain('RESULT: FAILED');
  });
});
