import type { ExpectedEvent } from './expected-event.js';

type IntLike = string | number | bigint;

/**
 * An order event as read back from `sale.order-events`, before normalization: decoders differ in how
 * they hand out int64s (string, number, bigint), so the verifier accepts any of them.
 */
export interface OutputOrderEvent {
  readonly orderId: IntLike;
  readonly seq: number | bigint;
  readonly type: string;
  readonly status: string;
  readonly amount: string;
  readonly userId: IntLike;
  readonly skuId: IntLike;
  readonly occurredAt: number | bigint;
  readonly afterExpiry: boolean;
  readonly late: boolean;
  readonly payment:
    | { readonly paymentId: IntLike; readonly channel: string; readonly amount: string; readonly paidAt: number | bigint }
    | null
    | undefined;
  readonly source: { readonly serverId: IntLike; readonly gtid: string; readonly file: string; readonly position: IntLike };
}

/** An output event in the ground truth's shape, so the two compare field by field. */
export type NormalizedEvent = Omit<ExpectedEvent, 'type' | 'status'> & { readonly type: string; readonly status: string };

export function normalizeOutputEvent(e: OutputOrderEvent): NormalizedEvent {
  return {
    orderId: String(e.orderId),
    seq: Number(e.seq),
    type: e.type,
    status: e.status,
    amount: e.amount,
    userId: String(e.userId),
    skuId: String(e.skuId),
    occurredAt: Number(e.occurredAt),
    afterExpiry: e.afterExpiry,
    late: e.late,
    payment:
      e.payment === null || e.payment === undefined
        ? null
        : {
            paymentId: String(e.payment.paymentId),
            channel: e.payment.channel,
            amount: e.payment.amount,
            paidAt: Number(e.payment.paidAt),
          },
    source: {
      serverId: String(e.source.serverId),
      gtid: e.source.gtid,
      file: e.source.file,
      position: String(e.source.position),
    },
  };
}

/** "199.9", "199.90" and "0199.900" are the same amount: compare decimals by value, exactly. */
export function canonicalDecimal(value: string): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (m === null) return value;
  const whole = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const sign = m[1] === '-' && !(/^0$/.test(whole) && fraction === '') ? '-' : '';
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** The fields compared: every field of docs/design.md section 2, by dotted name. */
export const COMPARED_FIELDS = [
  'orderId',
  'seq',
  'type',
  'status',
  'amount',
  'userId',
  'skuId',
  'occurredAt',
  'afterExpiry',
  'late',
  'payment',
  'payment.paymentId',
  'payment.channel',
  'payment.amount',
  'payment.paidAt',
  'source.serverId',
  'source.gtid',
  'source.file',
  'source.position',
] as const;

/** Names of the fields where `actual` differs from `expected`. */
export function differingFields(expected: ExpectedEvent, actual: NormalizedEvent): string[] {
  const diff: string[] = [];
  const check = (name: string, same: boolean): void => {
    if (!same) diff.push(name);
  };
  check('orderId', expected.orderId === actual.orderId);
  check('seq', expected.seq === actual.seq);
  check('type', expected.type === actual.type);
  check('status', expected.status === actual.status);
  check('amount', canonicalDecimal(expected.amount) === canonicalDecimal(actual.amount));
  check('userId', expected.userId === actual.userId);
  check('skuId', expected.skuId === actual.skuId);
  check('occurredAt', expected.occurredAt === actual.occurredAt);
  check('afterExpiry', expected.afterExpiry === actual.afterExpiry);
  check('late', expected.late === actual.late);
  const ep = expected.payment;
  const ap = actual.payment;
  if (ep === null || ap === null) {
    check('payment', ep === ap);
  } else {
    check('payment.paymentId', ep.paymentId === ap.paymentId);
    check('payment.channel', ep.channel === ap.channel);
    check('payment.amount', canonicalDecimal(ep.amount) === canonicalDecimal(ap.amount));
    check('payment.paidAt', ep.paidAt === ap.paidAt);
  }
  check('source.serverId', expected.source.serverId === actual.source.serverId);
  check('source.gtid', expected.source.gtid === actual.source.gtid);
  check('source.file', expected.source.file === actual.source.file);
  check('source.position', expected.source.position === actual.source.position);
  return diff;
}
