import type { OutputOrderEvent } from '../../src/sim/index.js';

/**
 * at_least_once promises no loss, not no repeats: what a task produced after its last commit is
 * produced again after a SIGKILL (docs/runtime.md). This drops an event that repeats an earlier one
 * of its order exactly (same seq, same content); a repeat that differs is kept, so the verifier
 * still reports it. Tests of exactly_once never use this.
 */
export function withoutExactRepeats(events: readonly OutputOrderEvent[]): { events: OutputOrderEvent[]; repeats: number } {
  const seen = new Map<string, string>();
  const kept: OutputOrderEvent[] = [];
  let repeats = 0;
  for (const event of events) {
    const id = `${String(event.orderId)}#${String(event.seq)}`;
    const content = JSON.stringify(event, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    if (seen.get(id) === content) {
      repeats++;
      continue;
    }
    if (!seen.has(id)) seen.set(id, content);
    kept.push(event);
  }
  return { events: kept, repeats };
}
