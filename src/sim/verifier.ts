import type { ExpectedEvent, ExpectedOrder } from './expected-event.js';
import { differingFields, normalizeOutputEvent, type NormalizedEvent, type OutputOrderEvent } from './output-event.js';

/** What can be wrong with one order's output. */
export const PROBLEM_KINDS = [
  'missing-order',
  'missing-events',
  'duplicated',
  'out-of-order',
  'unexpected-order',
  'unexpected-events',
  'field-mismatch',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface OrderProblem {
  readonly kind: ProblemKind;
  /** Human-readable: which events (by expected seq and type) and, for mismatches, which fields. */
  readonly detail: string;
  /** For field-mismatch: the dotted field names that differ. */
  readonly fields?: readonly string[];
}

export interface OrderVerdict {
  readonly orderId: string;
  readonly ok: boolean;
  readonly problems: readonly OrderProblem[];
}

export interface VerificationSummary {
  /** True only if every expected order's events were read exactly once, in order, with every field right, and nothing else was read. */
  readonly ok: boolean;
  readonly orders: { readonly expected: number; readonly read: number; readonly ok: number; readonly withProblem: Readonly<Record<ProblemKind, number>> };
  readonly events: {
    readonly expected: number;
    readonly read: number;
    readonly matched: number;
    readonly missing: number;
    readonly duplicated: number;
    readonly unexpected: number;
    readonly outOfOrder: number;
    readonly mismatched: number;
  };
  /** How many matched events differ in each field. */
  readonly mismatchedFields: Readonly<Record<string, number>>;
  /** The first `exampleLimit` orders with problems, in order-id order. */
  readonly examples: readonly OrderVerdict[];
}

/**
 * Compares the events read from the output topic with the ground truth, order by order.
 *
 * An output event is matched to an expected one by identity — type plus source coordinates (serverId,
 * gtid, position) — so one lost event reads as "missing", not as every later event mismatching. A
 * second occurrence of an identity is a duplicate. What is left is paired by (type, seq) and reported
 * as a field mismatch if it pairs (a wrong gtid or position), else as unexpected. Read order of the
 * first occurrences must follow the expected order. Matched events are compared on every field.
 */
export class OrderEventVerifier {
  private readonly expected: ReadonlyMap<string, ExpectedOrder>;
  private readonly read = new Map<string, NormalizedEvent[]>();
  private readCount = 0;

  constructor(groundTruth: ReadonlyMap<string, ExpectedOrder> | Iterable<ExpectedOrder>, private readonly exampleLimit = 20) {
    this.expected = isMap(groundTruth) ? groundTruth : new Map([...groundTruth].map((o) => [o.orderId, o]));
  }

  /** Records the next event read from the topic (in read order). */
  observe(event: OutputOrderEvent): void {
    const e = normalizeOutputEvent(event);
    this.readCount++;
    const list = this.read.get(e.orderId);
    if (list === undefined) this.read.set(e.orderId, [e]);
    else list.push(e);
  }

  result(): VerificationSummary {
    const withProblem = Object.fromEntries(PROBLEM_KINDS.map((k) => [k, 0])) as Record<ProblemKind, number>;
    const mismatchedFields: Record<string, number> = {};
    const events = { expected: 0, read: this.readCount, matched: 0, missing: 0, duplicated: 0, unexpected: 0, outOfOrder: 0, mismatched: 0 };
    const problems: OrderVerdict[] = [];
    let okOrders = 0;
    const ids = new Set([...this.expected.keys(), ...this.read.keys()]);
    for (const orderId of ids) {
      const expected = this.expected.get(orderId);
      const verdict = verifyOrder(orderId, expected?.events, this.read.get(orderId) ?? [], events, mismatchedFields);
      for (const kind of new Set(verdict.problems.map((p) => p.kind))) withProblem[kind]++;
      if (verdict.ok) okOrders++;
      else problems.push(verdict);
    }
    problems.sort((a, b) => compareIds(a.orderId, b.orderId));
    const ok = problems.length === 0 && events.read === events.expected;
    return {
      ok,
      orders: { expected: this.expected.size, read: this.read.size, ok: okOrders, withProblem },
      events,
      mismatchedFields,
      examples: problems.slice(0, this.exampleLimit),
    };
  }
}

interface EventCounts {
  expected: number;
  matched: number;
  missing: number;
  duplicated: number;
  unexpected: number;
  outOfOrder: number;
  mismatched: number;
}

function verifyOrder(
  orderId: string,
  expected: readonly ExpectedEvent[] | undefined,
  actual: readonly NormalizedEvent[],
  counts: EventCounts,
  mismatchedFields: Record<string, number>,
): OrderVerdict {
  const problems: OrderProblem[] = [];
  if (expected === undefined) {
    counts.unexpected += actual.length;
    problems.push({ kind: 'unexpected-order', detail: `${actual.length} event(s) for an order the ground truth does not have: ${describeActual(actual)}` });
    return { orderId, ok: false, problems };
  }
  counts.expected += expected.length;
  if (actual.length === 0) {
    counts.missing += expected.length;
    problems.push({ kind: 'missing-order', detail: `none of its ${expected.length} event(s) was read` });
    return { orderId, ok: false, problems };
  }

  const byIdentity = new Map(expected.map((e, i) => [identityOf(e), i]));
  /** For each read event: the expected index it matched, or -1 if unexpected. */
  const matchOf = actual.map((a) => byIdentity.get(identityOf(a)) ?? -1);
  const firstRead = new Map<number, number>();
  const duplicates: number[] = [];
  const claim = (readIndex: number, expectedIndex: number): void => {
    if (firstRead.has(expectedIndex)) duplicates.push(expectedIndex);
    else firstRead.set(expectedIndex, readIndex);
  };
  actual.forEach((_, r) => {
    const m = matchOf[r] ?? -1;
    if (m >= 0) claim(r, m);
  });
  // What is left pairs by (type, seq): the right event with a wrong coordinate.
  const unexpected: NormalizedEvent[] = [];
  actual.forEach((a, r) => {
    if ((matchOf[r] ?? -1) >= 0) return;
    const i = expected.findIndex((e) => e.type === a.type && e.seq === a.seq);
    if (i >= 0) claim(r, i);
    else unexpected.push(a);
  });

  const missing = expected.filter((_, i) => !firstRead.has(i));
  if (missing.length > 0) {
    counts.missing += missing.length;
    problems.push({ kind: 'missing-events', detail: `not read: ${describeExpected(missing)}` });
  }
  if (duplicates.length > 0) {
    counts.duplicated += duplicates.length;
    problems.push({ kind: 'duplicated', detail: `read more than once: ${describeExpected(duplicates.map((i) => expected[i] as ExpectedEvent))}` });
  }
  if (unexpected.length > 0) {
    counts.unexpected += unexpected.length;
    problems.push({ kind: 'unexpected-events', detail: `not in the ground truth: ${describeActual(unexpected)}` });
  }

  const readOrder = [...firstRead.entries()].sort((a, b) => a[1] - b[1]).map(([i]) => i);
  let highest = -1;
  const displaced: number[] = [];
  for (const i of readOrder) {
    if (i < highest) displaced.push(i);
    highest = Math.max(highest, i);
  }
  if (displaced.length > 0) {
    counts.outOfOrder += displaced.length;
    const got = readOrder.map((i) => expected[i]?.seq ?? '?').join(',');
    problems.push({ kind: 'out-of-order', detail: `read in expected-seq order ${got}` });
  }

  for (const [i, r] of [...firstRead.entries()].sort((a, b) => a[0] - b[0])) {
    counts.matched++;
    const e = expected[i] as ExpectedEvent;
    const fields = differingFields(e, actual[r] as NormalizedEvent);
    if (fields.length === 0) continue;
    counts.mismatched++;
    for (const f of fields) mismatchedFields[f] = (mismatchedFields[f] ?? 0) + 1;
    problems.push({ kind: 'field-mismatch', detail: `seq ${e.seq} ${e.type}: ${fields.join(', ')}`, fields });
  }
  return { orderId, ok: problems.length === 0, problems };
}

/** What makes an event itself: no two expected events of one order share it. */
function identityOf(e: { readonly type: string; readonly source: { readonly serverId: string; readonly gtid: string; readonly position: string } }): string {
  return `${e.type}|${e.source.serverId}|${e.source.gtid}|${e.source.position}`;
}

function describeExpected(events: readonly ExpectedEvent[]): string {
  return events.map((e) => `seq ${e.seq} ${e.type}`).join('; ');
}

function describeActual(events: readonly NormalizedEvent[]): string {
  return events.map((e) => `seq ${e.seq} ${e.type} @${e.source.gtid}/${e.source.position}`).join('; ');
}

function isMap(
  value: ReadonlyMap<string, ExpectedOrder> | Iterable<ExpectedOrder>,
): value is ReadonlyMap<string, ExpectedOrder> {
  return value instanceof Map;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Compares `outputEvents` (in the order they were read) with the ground truth. */
export function verify(
  groundTruth: ReadonlyMap<string, ExpectedOrder> | Iterable<ExpectedOrder>,
  outputEvents: Iterable<OutputOrderEvent>,
): VerificationSummary {
  const verifier = new OrderEventVerifier(groundTruth);
  for (const event of outputEvents) verifier.observe(event);
  return verifier.result();
}
