import { PROBLEM_KINDS, type VerificationSummary } from './verifier.js';

/** The summary as a plain-text table for a terminal, with the example orders below it. */
export function formatVerification(summary: VerificationSummary): string {
  const rows: [string, string, string][] = [
    ['', 'orders', 'events'],
    ['expected', String(summary.orders.expected), String(summary.events.expected)],
    ['read', String(summary.orders.read), String(summary.events.read)],
    ['right', String(summary.orders.ok), String(summary.events.matched - summary.events.mismatched)],
  ];
  const eventsOf: Record<(typeof PROBLEM_KINDS)[number], number | undefined> = {
    'missing-order': undefined,
    'missing-events': summary.events.missing,
    duplicated: summary.events.duplicated,
    'out-of-order': summary.events.outOfOrder,
    'unexpected-order': undefined,
    'unexpected-events': summary.events.unexpected,
    'field-mismatch': summary.events.mismatched,
  };
  for (const kind of PROBLEM_KINDS) {
    const events = eventsOf[kind];
    rows.push([kind, String(summary.orders.withProblem[kind]), events === undefined ? '' : String(events)]);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  const line = (r: [string, string, string]): string =>
    `${r[0].padEnd(widths[0] ?? 0)}  ${r[1].padStart(widths[1] ?? 0)}  ${r[2].padStart(widths[2] ?? 0)}`.trimEnd();
  const out = rows.map(line);
  const fields = Object.entries(summary.mismatchedFields).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (fields.length > 0) out.push('', `mismatched fields: ${fields.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  if (summary.examples.length > 0) {
    out.push('', 'examples:');
    for (const v of summary.examples) for (const p of v.problems) out.push(`  order ${v.orderId}: ${p.kind}: ${p.detail}`);
  }
  out.push('', summary.ok ? 'RESULT: OK — the output matches the ground truth' : 'RESULT: FAILED');
  return out.join('\n');
}
